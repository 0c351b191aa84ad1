package dev.kindred.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NamedColumnsTest {

  @Test
  void parsesTheSparkTrainSyntaxWithSynonyms() {
    assertThat(NamedColumns.parse("user=uid, item = movieId,rating=stars,timestamp=when"))
        .isEqualTo(new NamedColumns("uid", "movieId", "stars", "when"));
    assertThat(NamedColumns.parse("USER=u,item=i")).isEqualTo(new NamedColumns("u", "i", null, null));
    assertThat(NamedColumns.parse("user=user,item=item,value=value,ts=ts")).isEqualTo(NamedColumns.DEFAULTS);
    assertThat(NamedColumns.DEFAULTS.withValue(null).withTimestamp("t").toString()).isEqualTo("user=user,item=item,ts=t");
  }

  @Test
  void badSpecsNameTheOffendingPart() {
    assertThatThrownBy(() -> NamedColumns.parse("user=u"))
        .hasMessage("bad column spec 'user=u': user and item columns are required");
    assertThatThrownBy(() -> NamedColumns.parse("user=u,item="))
        .hasMessage("bad column spec 'user=u,item=': expected key=NAME, got 'item='");
    assertThatThrownBy(() -> NamedColumns.parse("user=u,item=i,score=s"))
        .hasMessage("bad column spec 'user=u,item=i,score=s': unknown key 'score', expected user, item, value (rating) or ts (timestamp)");
    assertThatThrownBy(() -> NamedColumns.parse("user=u,item=i,rating=a,value=b"))
        .hasMessage("bad column spec 'user=u,item=i,rating=a,value=b': value given twice");
    assertThatThrownBy(() -> NamedColumns.parse("user=x,item=x"))
        .hasMessage("column names must be distinct, got user=x, item=x, value=null, ts=null");
  }
}
