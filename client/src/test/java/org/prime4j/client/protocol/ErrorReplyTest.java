package org.prime4j.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ErrorReplyTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void readsTheNestedShape() {
        ErrorReply e = ErrorReply.parse(json, Fixtures.text("error_nested.json"));
        assertThat(e.message()).isEqualTo("Requested sample logprobs of 25, which is greater than max allowed: 20");
        assertThat(e.type()).isEqualTo("BadRequestError");
        assertThat(e.param()).isEqualTo("logprobs");
        assertThat(e.describe()).endsWith("[BadRequestError, param=logprobs]");
    }

    @Test
    void readsTheFlatShapeOfOlderServers() {
        ErrorReply e = ErrorReply.parse(json, Fixtures.text("error_flat.json"));
        assertThat(e.message()).isEqualTo("temperature must be non-negative, got -1.0.");
        assertThat(e.param()).isNull();
    }

    @Test
    void keepsAnExcerptOfNonJsonBodies() {
        assertThat(ErrorReply.parse(json, "<html>502 Bad Gateway</html>").message()).isEqualTo("<html>502 Bad Gateway</html>");
        assertThat(ErrorReply.parse(json, "").message()).isEqualTo("(empty body)");
        assertThat(ErrorReply.parse(json, "x".repeat(1000)).message()).hasSize(303);
    }

    @Test
    void retryAfterReadsSecondsAndDates() {
        assertThat(VllmServerClient.retryAfter("3")).isEqualTo(Duration.ofSeconds(3));
        assertThat(VllmServerClient.retryAfter("Wed, 21 Oct 2015 07:28:00 GMT")).isEqualTo(Duration.ZERO);
        assertThat(VllmServerClient.retryAfter("soon")).isNull();
        assertThat(VllmServerClient.retryAfter(null)).isNull();
    }
}
