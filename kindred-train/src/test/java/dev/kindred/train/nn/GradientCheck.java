package dev.kindred.train.nn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.ToDoubleFunction;

/**
 * Central finite differences against an analytic gradient: for every coordinate {@code x} of the
 * parameter arrays, {@code (f(x + h) - f(x - h)) / 2h} must match the gradient within
 * {@code ABS_TOL + REL_TOL * |gradient|}.
 *
 * <p>Tolerance: the losses are evaluated in float arithmetic, whose rounding error on a loss of
 * magnitude 1 is about {@code 1e-7}; divided by {@code 2h = 2e-3} that is {@code 5e-5}, plus the
 * {@code O(h^2)} truncation error of the central difference, about {@code 1e-6} for these smooth
 * losses. {@value #ABS_TOL} absolute and {@value #REL_TOL} relative leave a wide margin over both
 * while still catching a missing term, a wrong sign or a factor of 2.
 */
public final class GradientCheck {

  static final float H = 1e-3f;
  static final double ABS_TOL = 2e-3;
  static final double REL_TOL = 1e-2;

  private GradientCheck() {}

  /**
   * Checks {@code grads[a]} as the gradient of {@code loss} with respect to {@code params[a]}, for
   * every array {@code a}. {@code loss} reads the parameter arrays in place.
   */
  public static void check(ToDoubleFunction<float[][]> loss, float[][] params, float[][] grads) {
    int checked = 0;
    for (int a = 0; a < params.length; a++) {
      for (int j = 0; j < params[a].length; j++) {
        float x = params[a][j];
        params[a][j] = x + H;
        double up = loss.applyAsDouble(params);
        params[a][j] = x - H;
        double down = loss.applyAsDouble(params);
        params[a][j] = x;
        double numeric = (up - down) / (2.0 * H);
        double analytic = grads[a][j];
        assertThat(analytic).as("d loss / d params[%d][%d]", a, j)
            .isCloseTo(numeric, org.assertj.core.api.Assertions.within(ABS_TOL + REL_TOL * Math.abs(numeric)));
        if (numeric != 0) checked++;
      }
    }
    assertThat(checked).as("coordinates with a non-zero gradient").isPositive();
  }
}
