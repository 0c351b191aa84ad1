package dev.kindred.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.IdIndex;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AsciiTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "7", "-7", "42", "9999999999", "9223372036854775807", "-9223372036854775807",
      "9223372036854775808", "-9223372036854775808", "007", "-0", "+1", "", "-", "1a", "12345678901234567890",
      "1 ", "٣"})
  void canonicalLongAgreesWithIdIndex(String s) {
    long v = Ascii.canonicalLong(b(s), 0, b(s).length);
    IdIndex.Builder builder = new IdIndex.Builder();
    builder.add(s);
    boolean numeric = builder.build().isNumeric();
    assertThat(v != Ascii.NOT_A_LONG).as("'%s' numeric", s).isEqualTo(numeric);
    if (numeric) {
      assertThat(v).isEqualTo(Long.parseLong(s));
    }
  }

  @Test
  void parseIntegerAgreesWithLongParseLong() {
    for (String s : new String[] {"0", "-12", "+12", "0012", "874965758", "9223372036854775807",
        "-9223372036854775807"}) {
      assertThat(Ascii.parseInteger(b(s), 0, s.length())).as(s).isEqualTo(Long.parseLong(s));
    }
    for (String s : new String[] {"", "-", "1.5", "1e3", "9223372036854775808", "12a", " 1"}) {
      assertThat(Ascii.parseInteger(b(s), 0, s.length())).as(s).isEqualTo(Ascii.NOT_AN_INTEGER);
    }
  }

  @Test
  void parseDecimalHandValues() {
    assertThat(Ascii.parseDecimal(b("4"), 0, 1)).isEqualTo(4f);
    assertThat(Ascii.parseDecimal(b("3.125"), 0, 5)).isEqualTo(3.125f);
    assertThat(Ascii.parseDecimal(b("-0.5"), 0, 4)).isEqualTo(-0.5f);
    assertThat(Ascii.parseDecimal(b("1e-3"), 0, 4)).isEqualTo(1e-3f);
    assertThat(Ascii.parseDecimal(b(".5"), 0, 2)).isEqualTo(0.5f);
    assertThat(Ascii.parseDecimal(b("4."), 0, 2)).isEqualTo(4f);
    assertThat(Ascii.parseDecimal(b("1e99"), 0, 4)).isInfinite();
    for (String bad : new String[] {"", "abc", "NaN", "Infinity", "0x1p3", "1f", "1e", ".", "-", "1.2.3", " 1", "1,5"}) {
      assertThat(Ascii.parseDecimal(b(bad), 0, bad.length())).as("'%s'", bad).isNaN();
    }
  }

  /** The fast path (exact float operands) and the fallback must both match Float.parseFloat bit for bit. */
  @Test
  void parseDecimalMatchesFloatParseFloatOnRandomInputs() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int t = 0; t < 200_000; t++) {
      StringBuilder s = new StringBuilder();
      if (rnd.nextInt(4) == 0) {
        s.append('-');
      }
      int intDigits = rnd.nextInt(10);
      for (int k = 0; k < intDigits; k++) {
        s.append((char) ('0' + rnd.nextInt(10)));
      }
      int frac = rnd.nextInt(14);
      if (frac > 0 || intDigits == 0) {
        s.append('.');
        for (int k = 0; k < Math.max(frac, intDigits == 0 ? 1 : 0); k++) {
          s.append((char) ('0' + rnd.nextInt(10)));
        }
      }
      if (rnd.nextInt(5) == 0) {
        s.append('e').append(rnd.nextInt(60) - 30);
      }
      String x = s.toString();
      float expected = Float.parseFloat(x);
      assertThat(Float.floatToRawIntBits(Ascii.parseDecimal(b(x), 0, x.length()))).as(x)
          .isEqualTo(Float.floatToRawIntBits(expected));
    }
  }
}
