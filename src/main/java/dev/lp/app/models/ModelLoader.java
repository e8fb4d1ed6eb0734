package dev.lp.app.models;

import dev.lp.nn.ModelConfig;
import dev.lp.nn.Network;
import dev.lp.search.ForwardingSynthesisModel;
import dev.lp.search.SynthesisModel;
import dev.lp.checkpoint.CheckpointException;
import dev.lp.checkpoint.CheckpointStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a checkpoint as a {@link SynthesisModel}: verifies it (manifest, size, sha256), loads the
 * weights into a fresh network and hands out its inference port. Closing the returned model
 * frees the network.
 */
public final class ModelLoader {

  private ModelLoader() {}

  /**
   * @param path a checkpoint directory (holding manifest.json), or a training run directory /
   *     checkpoint root, in which case its newest checkpoint is used
   * @throws CheckpointException when nothing trustworthy is there, with the reason
   */
  public static SynthesisModel load(Path path) {
    CheckpointStore.Checkpoint c = resolve(path);
    Network net = network(c);
    try {
      return new Owning(net, net.inference(c.version()));
    } catch (RuntimeException e) {
      net.close();
      throw e;
    }
  }

  /**
   * The verified checkpoint's network itself (the caller closes it), for what the search port does
   * not offer (e.g. {@link Network#latentCodes}).
   *
   * @throws CheckpointException when the checkpoint's config or weights are not usable
   */
  public static Network network(CheckpointStore.Checkpoint c) {
    ModelConfig cfg;
    try {
      cfg = ModelConfig.fromJson(c.manifest().config().toString());
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(c.dir() + ": manifest config is not a valid model config: " + e.getMessage());
    }
    if (!cfg.kind().equals(c.manifest().kind())) {
      throw new CheckpointException(c.dir() + ": manifest kind '" + c.manifest().kind()
          + "' does not match its config kind '" + cfg.kind() + "'");
    }
    try {
      return Network.load(c.weights(), cfg);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(c.dir() + ": " + e.getMessage(), e);
    }
  }

  /** The verified checkpoint a path names (see {@link #load}). */
  public static CheckpointStore.Checkpoint resolve(Path path) {
    if (!Files.exists(path)) {
      throw new CheckpointException("no checkpoint at " + path + ": it does not exist");
    }
    if (Files.isRegularFile(path.resolve(CheckpointStore.MANIFEST))) {
      return CheckpointStore.open(path);
    }
    Path root = Files.isDirectory(path.resolve("checkpoints")) ? path.resolve("checkpoints") : path;
    return new CheckpointStore(root).latest()
        .orElseThrow(() -> new CheckpointException("no checkpoint under " + path));
  }

  /** The port plus the network it came from, closed together. */
  private static final class Owning extends ForwardingSynthesisModel {
    private final Network network;

    Owning(Network network, SynthesisModel port) {
      super(port);
      this.network = network;
    }

    @Override
    public void close() {
      try {
        super.close();
      } finally {
        network.close();
      }
    }
  }
}
