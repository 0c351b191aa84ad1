package dev.kindred.serve.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.serve.EventLog;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record value format and the positions read back from the event log; no broker. */
class EventValueFormatTest {

  static byte[] b(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void jsonAndCsvDecodeToTheSameFields() throws Exception {
    EventValueFormat.Decoded j = EventValueFormat.decode(b("u1"),
        b("{\"user\":\"u1\",\"item\":\"i9\",\"value\":2.5,\"ts\":1733241600000,\"id\":\"click-1\",\"extra\":true}"));
    EventValueFormat.Decoded c = EventValueFormat.decode(b("u1"), b("u1,i9,2.5,1733241600000,click-1\n"));
    assertThat(j).isEqualTo(c).isEqualTo(new EventValueFormat.Decoded("u1", "i9", 2.5f, 1733241600000L, "click-1"));
  }

  @Test
  void optionalFieldsAreNullAndTheKeyIsTheUserWhenTheValueHasNone() throws Exception {
    assertThat(EventValueFormat.decode(null, b("{\"user\":7,\"item\":12}")))
        .isEqualTo(new EventValueFormat.Decoded("7", "12", null, null, null));
    assertThat(EventValueFormat.decode(b("u3"), b("{\"item\":\"i1\"}")))
        .isEqualTo(new EventValueFormat.Decoded("u3", "i1", null, null, null));
    assertThat(EventValueFormat.decode(b("u3"), b(",i1,,")))
        .isEqualTo(new EventValueFormat.Decoded("u3", "i1", null, null, null));
  }

  @Test
  void malformedValuesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> EventValueFormat.decode(null, b("{\"user\":\"u\",\"item\":")))
        .hasMessageStartingWith("not a JSON event");
    assertThatThrownBy(() -> EventValueFormat.decode(null, b("{\"user\":\"u\",\"item\":\"i\",\"value\":\"2\"}")))
        .hasMessageStartingWith("not a JSON event");
    assertThatThrownBy(() -> EventValueFormat.decode(null, b("u,i,lots"))).hasMessage("value 'lots' is not a number");
    assertThatThrownBy(() -> EventValueFormat.decode(null, b("u,i,1,yesterday")))
        .hasMessage("ts 'yesterday' is not an integer (epoch milliseconds)");
    assertThatThrownBy(() -> EventValueFormat.decode(null, b("just-one-field")))
        .hasMessage("a CSV event has 2 to 5 fields (user,item[,value[,ts[,id]]]), got 1");
    assertThatThrownBy(() -> EventValueFormat.decode(b("u2"), b("u1,i1")))
        .hasMessage("key 'u2' differs from the value's user 'u1' (key = user)");
    assertThatThrownBy(() -> EventValueFormat.decode(null, b(",i1"))).hasMessageStartingWith("no user");
    assertThatThrownBy(() -> EventValueFormat.decode(null, new byte[] {'u', ',', (byte) 0xC3}))
        .hasMessage("the value is not valid UTF-8");
    assertThatThrownBy(() -> EventValueFormat.decode(b("u"), null)).hasMessageStartingWith("empty value");
  }

  @Test
  void appliedOffsetsAreTheHighestLoggedPositionPerPartitionOfTheTopic() {
    List<EventLog.Event> logged = List.of(
        new EventLog.Event("a", "i1", 1f, 0, KafkaEventSource.positionId("events", 0, 4, null)),
        new EventLog.Event("a", "i2", 1f, 0, KafkaEventSource.positionId("events", 0, 9, "click/7")),
        new EventLog.Event("b", "i2", 1f, 0, KafkaEventSource.positionId("events", 2, 3, null)),
        new EventLog.Event("b", "i3", 1f, 0, KafkaEventSource.positionId("other", 1, 99, null)),
        new EventLog.Event("c", "i3", 1f, 0), // from HTTP: no id
        new EventLog.Event("c", "i4", 1f, 0, "kafka/events/x/1"));
    assertThat(KafkaEventSource.appliedOffsets(logged, "events")).containsOnly(
        java.util.Map.entry(0, 9L), java.util.Map.entry(2, 3L));
    assertThat(KafkaEventSource.positionId("events", 0, 9, "click/7")).isEqualTo("kafka/events/0/9/click/7");
  }

  @Test
  void configRefusesWhatWouldBreakTheGuarantee() {
    assertThatThrownBy(() -> KafkaSourceConfig.DEFAULTS.withClientProperties(java.util.Map.of("enable.auto.commit", "true")))
        .hasMessageContaining("'enable.auto.commit' is set by the event source itself");
    assertThatThrownBy(() -> KafkaSourceConfig.DEFAULTS.withBootstrap("localhost"))
        .hasMessageContaining("HOST:PORT");
    assertThatThrownBy(() -> KafkaSourceConfig.DEFAULTS.withTopic("a/b")).hasMessageContaining("topic must be");
  }
}
