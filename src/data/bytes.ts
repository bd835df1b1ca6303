// The ASCII bytes that split a text file's cells and lines (never part of a multi-byte UTF-8 character).

export const TAB = 0x09;
export const LF = 0x0a;
export const CR = 0x0d;
export const SPACE = 0x20;
export const QUOTE = 0x22;
export const COMMA = 0x2c;
export const SEMICOLON = 0x3b;
