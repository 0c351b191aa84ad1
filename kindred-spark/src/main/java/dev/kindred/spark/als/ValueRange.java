package dev.kindred.spark.als;

import dev.kindred.spark.InteractionChunk;
import org.apache.spark.api.java.JavaRDD;

/** The smallest and largest interaction value and their sum, in one pass over the chunks. */
record ValueRange(float min, float max, double sum) implements java.io.Serializable {

  static ValueRange of(JavaRDD<InteractionChunk> chunks) {
    return chunks.map(c -> {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      double sum = 0;
      for (int j = 0; j < c.size(); j++) {
        float v = c.value(j);
        if (Float.isNaN(v)) {
          return new ValueRange(Float.NaN, Float.NaN, Double.NaN);
        }
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
        sum += v;
      }
      return new ValueRange(lo, hi, sum);
    }).reduce((a, b) -> Float.isNaN(a.min) || Float.isNaN(b.min) ? new ValueRange(Float.NaN, Float.NaN, Double.NaN)
        : new ValueRange(Math.min(a.min, b.min), Math.max(a.max, b.max), a.sum + b.sum));
  }

  boolean finite() {
    return Float.isFinite(min) && Float.isFinite(max);
  }
}
