// The TypeScript tensor API over libtorch.
export { Tensor, type Scalar } from './tensor.js';
export * from './ops/index.js';
export { tidy, keep, dispose, liveTensors } from './scope.js';
export { cpuCacheStats, emptyCpuCache, type CpuCacheStats } from './memory.js';
export { noGrad, gradients, isGradEnabled, manualSeed, setNumThreads, getNumThreads, buildInfo } from './autograd.js';
export { callOp, opSchema, defineOp, opCallCount } from './op.js';
export { type DType, DTYPES, isFloating } from './dtype.js';
export { type Device, cudaAvailable, cudaDeviceCount, parseDevice, defaultDevice } from './device.js';
export {
  saveTensors,
  loadTensors,
  encodeSafetensors,
  decodeSafetensors,
  readSafetensorsMetadata,
  writeFileAtomic,
  SafetensorsError,
  type SafetensorsEntry,
} from './safetensors.js';
export {
  type Precision,
  PRECISIONS,
  cpuSupportsBf16,
  defaultPrecision,
  parsePrecision,
  withPrecision,
  autocastDtype,
} from './precision.js';
