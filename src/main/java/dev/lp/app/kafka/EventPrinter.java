package dev.lp.app.kafka;

import dev.lp.protocol.Finished;
import dev.lp.protocol.SynthesisEvent;
import java.io.PrintStream;
import java.util.List;

/** Prints streamed events as one human-readable line each, with the time since the request was sent. */
public final class EventPrinter {
  private final PrintStream out;
  private final long sentAtMs;
  private final List<String> inputs;

  /**
   * @param out where lines go
   * @param sentAtMs when the request was sent (client clock, epoch ms)
   * @param inputs the request's example inputs, to show a solution's output per input
   */
  public EventPrinter(PrintStream out, long sentAtMs, List<String> inputs) {
    this.out = out;
    this.sentAtMs = sentAtMs;
    this.inputs = List.copyOf(inputs);
  }

  /** Prints one received event. */
  public void print(SynthesisClient.Received r) {
    var e = r.event();
    String head = String.format("  +%5d ms  #%d ", r.receivedAtMs() - sentAtMs, e.getSequence());
    switch (e.getKindCase()) {
      case ACCEPTED -> out.println(head + "Accepted (model " + e.getModelVersion() + ")");
      case CANDIDATE -> {
        var c = e.getCandidate();
        out.printf("%sCandidate rank %d, %s, %s: %s%n", head, c.getRank(), source(c.getSource(), c.getScore()),
            c.getConsistent() ? "consistent" : "inconsistent", c.getProgramText());
      }
      case SOLVED -> {
        var s = e.getSolved();
        out.printf("%sSolved, %s, latent code %s: %s%n", head, source(s.getSource(), s.getScore()),
            s.getLatentCodeList(), s.getProgramText());
        for (int i = 0; i < s.getOutputsCount(); i++) {
          String in = i < inputs.size() ? inputs.get(i) : "?";
          out.printf("             \"%s\" -> \"%s\"%n", in, s.getOutputs(i));
        }
      }
      case FINISHED -> {
        Finished f = e.getFinished();
        var st = f.getStats();
        out.printf("%sFinished %s (latency %d ms, first solution %s, %d beams, %d candidates verified,"
                + " %d model calls, %d ms in the model, %d hypotheses pruned, %d beams died)%n",
            head, f.getStatus(), st.getLatencyMs(),
            st.getTimeToFirstSolutionMs() < 0 ? "none" : st.getTimeToFirstSolutionMs() + " ms",
            st.getBeamsDecoded(), st.getCandidatesVerified(), st.getModelCalls(), st.getModelTimeMs(),
            st.getHypothesesPruned(), st.getProgramBeamsDied());
      }
      case ERROR -> {
        var er = e.getError();
        out.printf("%sError %s%s: %s%n", head, er.getCode(),
            er.getField().isEmpty() ? "" : " [" + er.getField() + "]", er.getMessage());
      }
      default -> out.println(head + "(unknown event kind)");
    }
    out.flush();
  }

  /** "enumerator (shortest program)" or the model's score: an enumerated program has no score. */
  private static String source(dev.lp.protocol.Source source, double score) {
    return source == dev.lp.protocol.Source.SOURCE_ENUMERATOR ? "enumerator (shortest program)"
        : String.format(java.util.Locale.ROOT, "model score %.3f", score);
  }
}
