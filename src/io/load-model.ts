// A model from either file a model travels in: the model file train writes (JSON) or its safetensors export,
// told apart by their first bytes, whatever the name. What every command's --model and train's --init read.

import type { Model } from '../model/model.js';
import { MAX_JSON_BYTES } from './read-input.js';
import { modelFromBytes, readModelBytes } from './model-file.js';
import { MAX_SAFETENSORS_BYTES, parseSafetensors } from './safetensors.js';
import { binaryKind } from './formats.js';

/**
 * A model from a model file (.json) or a safetensors file: what --model and --init accept. Told apart by their
 * first bytes, whatever the name (a renamed `model.st`, a JSON model saved as .safetensors, either through a pipe).
 */
export function loadAnyModel(path: string, flag = '--model'): Model {
  const bytes = readModelBytes(path, flag, (head) => (binaryKind(head) === 'safetensors' ? MAX_SAFETENSORS_BYTES : MAX_JSON_BYTES));
  if (binaryKind(bytes) === 'safetensors') return parseSafetensors(bytes, path);
  // Named so but neither a safetensors file nor JSON: its parser says what is wrong with it as one.
  const json = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().startsWith('{'); // (the decoder drops a byte-order mark)
  return !json && path.toLowerCase().endsWith('.safetensors') ? parseSafetensors(bytes, path) : modelFromBytes(bytes, path);
}
