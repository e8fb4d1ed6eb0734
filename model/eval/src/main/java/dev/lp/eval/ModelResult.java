package dev.lp.eval;

import java.util.List;

/**
 * Everything measured for one model.
 *
 * @param name how reports call it (e.g. the checkpoint directory)
 * @param kind "lp", "baseline", "lstm", "ae" or "vae" (from {@link dev.lp.search.ModelInfo#kind()})
 * @param version the model's version string
 * @param datasets one result per dataset, in evaluation order
 */
public record ModelResult(String name, String kind, String version, List<DatasetResult> datasets) {

  public ModelResult {
    if (name == null || kind == null || version == null || datasets == null) {
      throw new IllegalArgumentException("ModelResult needs a name, kind, version and datasets");
    }
    datasets = List.copyOf(datasets);
  }

  /** This model's result on a dataset, or null. */
  public DatasetResult on(String dataset) {
    for (DatasetResult d : datasets) {
      if (d.dataset().equals(dataset)) {
        return d;
      }
    }
    return null;
  }
}
