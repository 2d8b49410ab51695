package org.prime4j.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Jinjava's renders against Python Jinja2's (the engine transformers uses), from gen_chat_template_fixtures.py. */
class ChatTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static String resource(String path) throws IOException {
        try (InputStream in = ChatTemplateTest.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String templateText(String name) throws IOException {
        return name.equals("chatml") ? ByteLevelTokenizerFiles.chatmlTemplate()
                : resource("/chat/" + name + ".jinja");
    }

    @Test
    void rendersLikeJinja2ForQwenLlamaAndChatml() throws IOException {
        JsonNode cases = JSON.readTree(resource("/chat/expected_renders.json"));
        assertThat(cases.size()).isEqualTo(30);
        int checked = 0;
        for (JsonNode c : cases) {
            Map<String, String> specials = new HashMap<>();
            c.get("special_tokens").fields().forEachRemaining(e -> specials.put(e.getKey(), e.getValue().asText()));
            ChatTemplate t = new ChatTemplate(templateText(c.get("template").asText()), c.get("template").asText(),
                    specials);
            List<ChatMessage> messages = new ArrayList<>();
            for (JsonNode m : c.get("messages")) {
                messages.add(new ChatMessage(m.get("role").asText(), m.get("content").asText()));
            }
            boolean gen = c.get("add_generation_prompt").asBoolean();
            assertThat(t.render(messages, gen)).as("%s, %s, gen=%s", c.get("template"), messages, gen)
                    .isEqualTo(c.get("expected").asText());
            checked++;
        }
        assertThat(checked).isEqualTo(30);
    }

    @Test
    void readsTheTemplateAndSpecialTokensFromTokenizerConfig() throws IOException {
        Path cfg = tmp.resolve("tokenizer_config.json");
        var root = JSON.createObjectNode();
        root.put("chat_template", resource("/chat/llama-3-instruct.jinja"));
        root.putObject("bos_token").put("content", "<|begin_of_text|>").put("special", true);
        root.put("eos_token", "<|eot_id|>");
        Files.writeString(cfg, JSON.writeValueAsString(root));
        ChatTemplate t = ChatTemplate.fromTokenizerConfig(cfg).orElseThrow();
        assertThat(t.render(List.of(ChatMessage.user("hi")), true)).isEqualTo(
                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nhi<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n");
    }

    @Test
    void namedTemplateListsYieldTheDefaultOne() throws IOException {
        Path cfg = tmp.resolve("tokenizer_config.json");
        var root = JSON.createObjectNode();
        var list = root.putArray("chat_template");
        list.addObject().put("name", "tool_use").put("template", "TOOLS");
        list.addObject().put("name", "default").put("template", "{{ messages[0]['content'] }}!");
        Files.writeString(cfg, JSON.writeValueAsString(root));
        assertThat(ChatTemplate.fromTokenizerConfig(cfg).orElseThrow().render(List.of(ChatMessage.user("x")), false))
                .isEqualTo("x!");
    }

    @Test
    void absentTemplateIsEmpty() throws IOException {
        Path cfg = tmp.resolve("tokenizer_config.json");
        Files.writeString(cfg, "{\"eos_token\": \"</s>\"}");
        assertThat(ChatTemplate.fromTokenizerConfig(cfg)).isEmpty();
    }

    @Test
    void raiseExceptionInATemplateIsAnErrorNamingTheSourceAndMessage() {
        // Gemma's template refuses system turns this way
        String gemma = "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not "
                + "supported') }}{% endif %}{% for message in messages %}{{ message['content'] }}{% endfor %}";
        ChatTemplate t = new ChatTemplate(gemma, "gemma/tokenizer_config.json", Map.of("bos_token", "<bos>"));
        assertThat(t.render(List.of(ChatMessage.user("ok")), false)).isEqualTo("<bos>ok");
        assertThatThrownBy(() -> t.render(List.of(ChatMessage.system("s"), ChatMessage.user("u")), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gemma/tokenizer_config.json")
                .hasMessageContaining("System role not supported");
    }

    @Test
    void brokenTemplateSyntaxIsAnError() {
        ChatTemplate t = new ChatTemplate("{% for m in messages %}{{ m.content }}", "broken.jinja", Map.of());
        assertThatThrownBy(() -> t.render(List.of(ChatMessage.user("u")), false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("broken.jinja");
    }
}
