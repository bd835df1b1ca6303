// `train-signals export`: a model file → an ONNX file (for onnxruntime) and/or a safetensors file (for PyTorch).
// A .safetensors file (say, one PyTorch went on training) exports to ONNX too.

import type { Argv, ArgumentsCamelCase } from 'yargs';
import { checkDistinct } from '../../io/paths.js';
import { checkWritable, writeFilesAtomic } from '../../io/atomic.js';
import { quietOption, requireFlag } from '../options.js';
import { WORKFLOW_EXAMPLES, grouped, withExamples } from '../help.js';
import { visible } from '../../data/visible.js';

interface ExportArgs {
  model: string;
  onnx?: string;
  safetensors?: string;
  quiet: boolean;
}


export const exportOptions = {
  model: { type: 'string', demandOption: true, describe: 'model file written by train (or a .safetensors file in the export layout)' },
  onnx: { type: 'string', describe: 'write an ONNX file here' },
  safetensors: { type: 'string', describe: 'write a safetensors file here (PyTorch names)' },
  quiet: quietOption,
} as const;

export const exportCommand = {
  command: 'export',
  describe: 'write a trained model as ONNX (onnxruntime) and/or safetensors (PyTorch)',
  builder: (y: Argv) => withExamples(grouped(y, exportOptions), [WORKFLOW_EXAMPLES[5]]),
  handler: async (argv: ArgumentsCamelCase<ExportArgs>) => {
    const a = argv as unknown as ExportArgs;
    const [{ exportOnnx }, { exportSafetensors }, { loadAnyModel }, { checkReplaceable }] = await Promise.all([
      import('../../io/onnx.js'), import('../../io/safetensors.js'), import('../../io/load-model.js'), import('../../io/replace.js'),
    ]);
    requireFlag(a.onnx !== undefined || a.safetensors !== undefined, 'give --onnx <file>, --safetensors <file>, or both');
    checkDistinct([['the --model file', a.model]], [['--onnx', a.onnx], ['--safetensors', a.safetensors]]);
    if (a.onnx !== undefined) checkWritable(a.onnx, '--onnx');
    if (a.safetensors !== undefined) checkWritable(a.safetensors, '--safetensors');
    if (a.onnx !== undefined) checkReplaceable(a.onnx, '--onnx', 'onnx');
    if (a.safetensors !== undefined) checkReplaceable(a.safetensors, '--safetensors', 'safetensors');
    const model = loadAnyModel(a.model);
    // Both or neither: a full disk while writing the second leaves the first file as it was too.
    const files: Array<[string, Uint8Array]> = [];
    if (a.onnx !== undefined) files.push([a.onnx, exportOnnx(model)]);
    if (a.safetensors !== undefined) files.push([a.safetensors, exportSafetensors(model)]);
    writeFilesAtomic(files);
    if (a.onnx !== undefined) process.stdout.write(`onnx: ${visible(a.onnx)}\n`);
    if (a.safetensors !== undefined) process.stdout.write(`safetensors: ${visible(a.safetensors)}\n`);
  },
};
