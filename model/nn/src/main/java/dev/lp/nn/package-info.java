/**
 * The DJL (PyTorch engine) networks behind {@link dev.lp.search.SynthesisModel}: the
 * RobustFill-Transformer baseline and the Latent Programmer (program encoder, EMA vector
 * quantizer, latent predictor, latent program decoder), with training steps and KV-cached
 * inference.
 *
 * <p>Weights are plain named NDArrays ({@code Params}) and the layers are functions of them
 * ({@code Net}) rather than DJL Blocks, because the decoders need a cached incremental form that
 * shares every weight with the teacher-forced form, and DJL has no decoder block or KV cache.
 * Entry points: {@link dev.lp.nn.Network} (create, load, save, trainStep, evaluate, inference),
 * {@link dev.lp.nn.ModelConfig}, {@link dev.lp.nn.Batch}, {@link dev.lp.nn.StepResult}.
 */
package dev.lp.nn;
