// Neural-network building blocks over the tensor API.
export { Module, type Layer, type LayerModule } from './module.js';
export { Linear } from './linear.js';
export { Conv2d, pair, type Pair, type Conv2dOptions } from './conv.js';
export { ConvTranspose2d, type ConvTranspose2dOptions } from './conv_transpose.js';
export { convTranspose2d } from './conv_transpose_fast.js';
export { BatchNorm2d, BatchNorm1d, type BatchNormOptions } from './batchnorm.js';
export { ReLU, LeakyReLU, Tanh, Sigmoid, Dropout, Flatten, Unflatten, UpsampleNearest } from './layers.js';
export { Embedding } from './embedding.js';
export { Sequential } from './sequential.js';
export { fanIn, kaimingUniformDefault_, biasDefault_, normalInit_, constantInit_ } from './init.js';
export { dcganInit } from './dcgan_init.js';
export { Optimizer, parametersOf, type OptimizerState } from './optim/optimizer.js';
export { Adam, type AdamOptions } from './optim/adam.js';
export { SGD, type SGDOptions } from './optim/sgd.js';
export { saveModule, loadModule, saveOptimizer, loadOptimizer } from './checkpoint.js';
export { inEvalMode, frozenParameters } from './modes.js';
