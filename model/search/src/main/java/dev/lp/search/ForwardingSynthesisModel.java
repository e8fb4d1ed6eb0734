package dev.lp.search;

import java.util.List;

/**
 * A {@link SynthesisModel} that passes every call to another one; subclasses override what they
 * add (ownership of extra resources on close, injected failures in tests, ...).
 */
public class ForwardingSynthesisModel implements SynthesisModel {

  protected final SynthesisModel delegate;

  public ForwardingSynthesisModel(SynthesisModel delegate) {
    if (delegate == null) {
      throw new IllegalArgumentException("the model to forward to must not be null");
    }
    this.delegate = delegate;
  }

  @Override
  public ModelInfo info() {
    return delegate.info();
  }

  @Override
  public Spec encode(List<String> inputs, List<String> outputs) {
    return delegate.encode(inputs, outputs);
  }

  @Override
  public Decoder latentDecoder(Spec spec, int rows) {
    return delegate.latentDecoder(spec, rows);
  }

  @Override
  public Decoder programDecoder(Spec spec, int[][] latents) {
    return delegate.programDecoder(spec, latents);
  }

  @Override
  public Decoder programDecoderForLength(Spec spec, int programLength, int sample) {
    return delegate.programDecoderForLength(spec, programLength, sample);
  }

  @Override
  public List<float[][]> stepAll(List<Decoder> decoders, List<int[]> tokens) {
    return delegate.stepAll(decoders, tokens);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
