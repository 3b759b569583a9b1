// `npm run build:kernels`: assembles src/main/engine/compositor/blend-kernels.wat and writes its
// bytes as blend-kernels.generated.ts next to it (commit both).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { KERNEL_MODULE_URL, assembleKernels, renderKernelModule } from '../src/main/engine/compositor/kernel-assembler.ts';

const bytes = await assembleKernels();
await writeFile(KERNEL_MODULE_URL, renderKernelModule(bytes));
process.stdout.write(`wrote ${fileURLToPath(KERNEL_MODULE_URL)} (${bytes.byteLength} bytes of wasm)\n`);
