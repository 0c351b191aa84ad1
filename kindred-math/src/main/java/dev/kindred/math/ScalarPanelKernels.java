package dev.kindred.math;

/**
 * Plain Java twin of the blocked scoring kernel: the readable definition the Vector API version is
 * tested against (bit for bit), and the fallback without {@code jdk.incubator.vector}.
 */
public final class ScalarPanelKernels implements PanelKernels {

  /** Any width works; 16 keeps a panel's rows on one cache line. */
  @Override
  public int preferredWidth() {
    return 16;
  }

  @Override
  public void scorePanels(float[] users, int uo, int nUsers, int dim, float[] panels, int po, int nPanels, int width,
      float[] out, int oo, int outStride) {
    int panelFloats = (dim + 1) * width;
    for (int u = 0; u < nUsers; u++) {
      int pu = uo + u * dim;
      for (int p = 0; p < nPanels; p++) {
        int base = po + p * panelFloats;
        int o = oo + u * outStride + p * width;
        for (int j = 0; j < width; j++) {
          float acc = panels[base + j];
          for (int d = 0; d < dim; d++) {
            acc = Math.fma(users[pu + d], panels[base + (d + 1) * width + j], acc);
          }
          out[o + j] = acc;
        }
      }
    }
  }

  @Override
  public int nextAtLeast(float[] s, int from, int to, float threshold) {
    for (int j = from; j < to; j++) {
      if (s[j] >= threshold) {
        return j;
      }
    }
    return to;
  }
}
