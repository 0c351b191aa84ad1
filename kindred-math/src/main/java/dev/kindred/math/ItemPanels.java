package dev.kindred.math;

import java.util.Objects;

/**
 * A packed, dimension-major copy of an item factor matrix (and its biases) for blocked scoring:
 * the right-hand operand of {@link PanelKernels#scorePanels}. Within a panel, the values of one
 * dimension for all the panel's items are contiguous, so vector lanes run over items and a user's
 * {@code p_u[d]} is one broadcast.
 *
 * <p>Layout invariants (checked in the constructor):
 * <ol>
 *   <li>Items are grouped in panels of {@code width} consecutive items: panel {@code p} covers items
 *       {@code [p * width, min(items, (p + 1) * width))}.
 *   <li>A panel is {@code (dim + 1) * width} consecutive floats: first the {@code width} item biases
 *       (0 without biases), then for each {@code d < dim} the {@code width} values {@code q[i][d]}.
 *   <li>Item slots past the last item (padding in the last panel) are 0 in every row.
 *   <li>Panels are grouped in tiles of {@code panelsPerTile} panels; tile {@code t} is one
 *       {@code float[]} and holds panels {@code [t * panelsPerTile, ...)}; every tile but the last
 *       is full, so no single array needs more than {@code panelsPerTile * (dim + 1) * width} floats
 *       and catalogues beyond {@code 2^31} floats fit.
 * </ol>
 *
 * <p>Memory: {@code (dim + 1) * ceil(items / width) * width} floats, about {@code 1 + 1/dim} times
 * the item factors. Immutable after construction; thread-safe.
 */
public final class ItemPanels {

  private final int items;
  private final int dim;
  private final int width;
  private final int panelsPerTile;
  private final float[][] tiles;

  /**
   * Packs {@code q} (and {@code bias}, one per item, or null for none).
   *
   * @param width items per panel; use {@link PanelScoring#panelWidth()} for the fast path
   * @param panelsPerTile panels per tile (one array); a tile is the unit a block of users is scored
   *     against, so size it to stay in the L2 cache
   */
  public ItemPanels(FactorStore q, float[] bias, int width, int panelsPerTile) {
    Objects.requireNonNull(q, "q");
    if (width <= 0 || panelsPerTile <= 0) {
      throw new IllegalArgumentException(
          "width and panelsPerTile must be positive, got " + width + ", " + panelsPerTile);
    }
    if (bias != null && bias.length != q.rows()) {
      throw new IllegalArgumentException("bias length " + bias.length + " != items " + q.rows());
    }
    long panelFloats = (long) (q.dim() + 1) * width;
    if (panelFloats * panelsPerTile > FactorMatrix.MAX_PAGE_FLOATS) {
      throw new IllegalArgumentException("a tile of " + panelsPerTile + " panels of " + panelFloats
          + " floats exceeds " + FactorMatrix.MAX_PAGE_FLOATS + " floats");
    }
    this.items = q.rows();
    this.dim = q.dim();
    this.width = width;
    this.panelsPerTile = panelsPerTile;
    int panels = (int) (((long) items + width - 1) / width);
    int nTiles = (panels + panelsPerTile - 1) / panelsPerTile;
    this.tiles = new float[nTiles][];
    float[] row = new float[dim];
    for (int t = 0; t < nTiles; t++) {
      int inTile = Math.min(panelsPerTile, panels - t * panelsPerTile);
      float[] tile = new float[(int) (inTile * panelFloats)];
      for (int p = 0; p < inTile; p++) {
        packPanel(q, bias, (t * panelsPerTile + p) * width, tile, (int) (p * panelFloats), row);
      }
      tiles[t] = tile;
    }
    checkInvariants(panels);
  }

  private void packPanel(FactorStore q, float[] bias, int firstItem, float[] dst, int off, float[] row) {
    int n = Math.min(width, items - firstItem);
    for (int j = 0; j < n; j++) {
      int item = firstItem + j;
      q.copyRow(item, row, 0);
      dst[off + j] = bias == null ? 0f : bias[item];
      for (int d = 0; d < dim; d++) {
        dst[off + (d + 1) * width + j] = row[d];
      }
    }
  }

  private void checkInvariants(int panels) {
    int panelFloats = (dim + 1) * width;
    int seen = 0;
    for (int t = 0; t < tiles.length; t++) {
      if (tiles[t].length % panelFloats != 0) {
        throw new IllegalStateException("tile " + t + " is not a whole number of panels");
      }
      int inTile = tiles[t].length / panelFloats;
      if (t < tiles.length - 1 && inTile != panelsPerTile) {
        throw new IllegalStateException("tile " + t + " holds " + inTile + " panels, expected " + panelsPerTile);
      }
      seen += inTile;
    }
    if (seen != panels) {
      throw new IllegalStateException("tiles hold " + seen + " panels, expected " + panels);
    }
  }

  public int items() {
    return items;
  }

  public int dim() {
    return dim;
  }

  /** Items per panel. */
  public int width() {
    return width;
  }

  /** Floats per panel: {@code (dim + 1) * width}. */
  public int panelFloats() {
    return (dim + 1) * width;
  }

  public int panelsPerTile() {
    return panelsPerTile;
  }

  /** Items per full tile: {@code panelsPerTile * width}. */
  public int tileItems() {
    return panelsPerTile * width;
  }

  public int tileCount() {
    return tiles.length;
  }

  /** The array of tile {@code t}; panels start at offsets {@code p * panelFloats()}. Do not modify. */
  public float[] tile(int t) {
    return tiles[t];
  }

  /** Panels in tile {@code t}. */
  public int panelsIn(int t) {
    return tiles[t].length / panelFloats();
  }

  /** Index of the first item of tile {@code t}. */
  public int firstItem(int t) {
    return t * tileItems();
  }

  /** Real (not padding) items in tile {@code t}. */
  public int itemsIn(int t) {
    return Math.min(tileItems(), items - firstItem(t));
  }
}
