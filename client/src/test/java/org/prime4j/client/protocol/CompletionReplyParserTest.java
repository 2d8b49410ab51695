package org.prime4j.client.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.prime4j.client.protocol.Fixtures.PROMPT;
import static org.prime4j.client.protocol.Fixtures.PROMPT_2;
import static org.prime4j.client.protocol.Fixtures.RESPONSE;
import static org.prime4j.client.protocol.Fixtures.RESPONSE_LOGPROBS;
import static org.prime4j.client.protocol.Fixtures.concat;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompletionReplyParserTest {

    private static CompletionReply parse(String fixture, List<int[]> prompts, int n) throws IOException {
        return new CompletionReplyParser(prompts, n).parse(Fixtures.stream(fixture));
    }

    private static CompletionReply parseText(String json, List<int[]> prompts, int n) throws IOException {
        return new CompletionReplyParser(prompts, n).parse(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void readsTokenIdsAndSamplerLogprobsFromReturnTokenIds() throws IOException {
        CompletionReply r = parse("completions_return_token_ids.json", List.of(PROMPT), 2);
        assertThat(r.choices()).hasSize(2);
        CompletionChoice c0 = r.choices().get(0);
        assertThat(c0.tokenIds()).containsExactly(576, 4226, 374, 220, 20, 13, 151643);
        assertThat(c0.tokenLogprobs()).hasSize(7);
        assertThat(c0.tokenLogprobs()[0]).isEqualTo(-0.3125f);
        assertThat(c0.finishReason()).isEqualTo("stop");
        assertThat(c0.promptTokenIds()).containsExactly(PROMPT);
        assertThat(c0.text()).isEqualTo(" The answer is 5.");
        assertThat(r.choices().get(1).finishReason()).isEqualTo("length");
        assertThat(r.choices().get(1).tokenIds()).containsExactly(220, 20);
        assertThat(r.completionTokens()).isEqualTo(9);
        assertThat(r.bytes()).isEqualTo(Fixtures.text("completions_return_token_ids.json")
                .getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void readsIdsFromTokenIdStrings() throws IOException {
        CompletionReply r = parse("completions_tokens_as_token_ids.json", List.of(PROMPT), 1);
        CompletionChoice c = r.choices().get(0);
        assertThat(c.tokenIds()).containsExactly(576, 4226, 374, 220, 20, 13, 151643);
        assertThat(c.tokenLogprobs()).hasSize(7);
        assertThat(c.promptTokenIds()).isNull();
    }

    @Test
    void plainStringTokensGiveNoIds() throws IOException {
        String json = "{\"choices\":[{\"index\":0,\"text\":\"a\",\"logprobs\":{\"tokens\":[\"a\"],"
                + "\"token_logprobs\":[-1.0]},\"finish_reason\":\"length\"}]}";
        assertThat(parseText(json, List.of(PROMPT), 1).choices().get(0).tokenIds()).isNull();
    }

    @Test
    void promptLogprobsPickTheActualTokenWhateverItsRankAndPosition() throws IOException {
        int[] seq = concat(PROMPT, RESPONSE);
        CompletionReply r = parse("completions_prompt_logprobs.json", List.of(seq), 1);
        float[] lp = r.choices().get(0).promptLogprobs();
        assertThat(lp).hasSize(seq.length);
        assertThat(lp[0]).isNaN(); // the first entry is null
        // position 1: the actual token " is" has rank 2163 and is listed after the rank-1 token
        assertThat(lp[1]).isEqualTo(-9.21875f);
        assertThat(Arrays.copyOfRange(lp, PROMPT.length, seq.length)).containsExactly(RESPONSE_LOGPROBS);
    }

    @Test
    void promptLogprobsWithoutTheActualTokenAreAnError() throws IOException {
        int[] seq = concat(PROMPT, RESPONSE);
        seq[3] = 99999; // ask for a token the reply does not hold at position 3
        assertThatThrownBy(() -> parse("completions_prompt_logprobs.json", List.of(seq), 1))
                .isInstanceOf(MalformedReplyException.class)
                .hasMessageContaining("prompt_token_ids differ");
        String json = "{\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"length\",\"prompt_logprobs\":"
                + "[null,{\"7\":{\"logprob\":-1.0,\"rank\":1,\"decoded_token\":\"x\"}}]}]}";
        assertThatThrownBy(() -> parseText(json, List.of(new int[] {1, 8}), 1))
                .isInstanceOf(MalformedReplyException.class)
                .hasMessageContaining("prompt_logprobs[1] has no entry for the actual token id 8");
    }

    @Test
    void promptLogprobsOfTheWrongLengthAreAnError() {
        String json = "{\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"length\",\"prompt_logprobs\":"
                + "[null,{\"8\":{\"logprob\":-1.0}}]}]}";
        assertThatThrownBy(() -> parseText(json, List.of(new int[] {1, 8, 9}), 1))
                .hasMessageContaining("2 entries for a prompt of 3 tokens");
    }

    @Test
    void echoGivesTokenLogprobsWithANullFirstEntry() throws IOException {
        int[] seq = concat(PROMPT, RESPONSE);
        CompletionChoice c = parse("completions_echo_token_ids.json", List.of(seq), 1).choices().get(0);
        assertThat(c.tokenIds()).containsExactly(seq);
        assertThat(c.tokenLogprobs()[0]).isNaN();
        assertThat(Arrays.copyOfRange(c.tokenLogprobs(), PROMPT.length, seq.length)).containsExactly(RESPONSE_LOGPROBS);
    }

    @Test
    void choicesOfSeveralPromptsAreOrderedByIndex() throws IOException {
        String json = Fixtures.text("completions_two_prompts_n2.json");
        CompletionReply r = parseText(json, List.of(PROMPT, PROMPT_2), 2);
        assertThat(r.choices()).extracting(CompletionChoice::index).containsExactly(0, 1, 2, 3);
        assertThat(r.choices().get(2).promptTokenIds()).containsExactly(PROMPT_2);
        assertThat(r.choices().get(3).tokenIds()).containsExactly(18, 13, 151643);
    }

    @Test
    void nonNumericLogprobsFromPythonAreAccepted() throws IOException {
        String json = "{\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"length\",\"token_ids\":[5],"
                + "\"logprobs\":{\"tokens\":[\"x\"],\"token_logprobs\":[-Infinity]}}]}";
        assertThat(parseText(json, List.of(PROMPT), 1).choices().get(0).tokenLogprobs()[0])
                .isEqualTo(Float.NEGATIVE_INFINITY);
    }

    @Test
    void truncatedMalformedAndShapelessRepliesAreErrors() {
        String full = Fixtures.text("completions_return_token_ids.json");
        assertThatThrownBy(() -> parseText(full.substring(0, full.length() / 2), List.of(PROMPT), 2))
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> parseText("{\"id\": \"cmpl-1\", \"choices\": [}", List.of(PROMPT), 1))
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> parseText("{\"id\": \"cmpl-1\"}", List.of(PROMPT), 1))
                .isInstanceOf(MalformedReplyException.class).hasMessageContaining("no 'choices'");
        // An error that arrives under a 200 (after the embedded server's keep-alive spaces) says what it was.
        assertThatThrownBy(() -> parseText("   {\"error\": {\"message\": \"model failed: out of memory\", "
                + "\"type\": \"InternalServerError\", \"code\": 500}}", List.of(PROMPT), 1))
                .isInstanceOf(MalformedReplyException.class)
                .hasMessage("reply is an error: model failed: out of memory (InternalServerError)");
        assertThatThrownBy(() -> parseText("{\"object\": \"error\", \"message\": \"bad\"}", List.of(PROMPT), 1))
                .isInstanceOf(MalformedReplyException.class).hasMessage("reply is an error: bad");
        assertThatThrownBy(() -> parseText("{\"choices\": []} {}", List.of(PROMPT), 1))
                .isInstanceOf(MalformedReplyException.class).hasMessageContaining("trailing data");
        assertThatThrownBy(() -> parseText("{\"choices\":[{\"index\":1}]}", List.of(PROMPT), 1))
                .isInstanceOf(MalformedReplyException.class).hasMessageContaining("indices");
    }

    @Test
    void tokenIdStringsAreReadStrictly() throws IOException {
        assertThat(CompletionReplyParser.tokenId("token_id:151643".toCharArray(), 0, 15)).isEqualTo(151643);
        assertThat(CompletionReplyParser.tokenId("xtoken_id:7".toCharArray(), 1, 10)).isEqualTo(7);
        assertThat(CompletionReplyParser.tokenId(" The".toCharArray(), 0, 4)).isEqualTo(-1);
        assertThat(CompletionReplyParser.tokenId("token_id:".toCharArray(), 0, 9)).isEqualTo(-2);
        assertThat(CompletionReplyParser.tokenId("token_id:1a".toCharArray(), 0, 11)).isEqualTo(-2);
        String json = "{\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"stop\","
                + "\"logprobs\":{\"tokens\":[\"token_id:12\",\"token_id:x\"],\"token_logprobs\":[-1,-2]}}]}";
        assertThatThrownBy(() -> parseText(json, List.of(PROMPT), 1))
                .isInstanceOf(MalformedReplyException.class).hasMessageContaining("bad token id: 'token_id:x'");
    }
}
