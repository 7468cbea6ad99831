package app.switchboard.replay;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The candidate configuration a replay runs against, read from a JSON file. It holds no secret:
 * the API key comes from the environment ({@code OPENAI_API_KEY}) only.
 *
 * @param name                a label for the report
 * @param systemPrompt        the candidate's system prompt
 * @param model               model name; null: the client's default
 * @param baseUrl             an OpenAI-compatible base URL (…/v1); null: OpenAI's
 * @param temperature         sampling temperature; null: the server's default
 * @param tools               whether the model is offered the agent's tools (run as dry runs)
 * @param concurrency         calls replayed at once (and model streams open at once)
 * @param firstTokenTimeoutMs the agent's first-token deadline; 0: 10 s
 * @param languages           language codes the agent may switch to (the call's {@code <Language>} elements)
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record ReplayProfile(String name, String systemPrompt, String model, String baseUrl, Double temperature,
                            Boolean tools, Integer concurrency, Long firstTokenTimeoutMs, List<String> languages) {

    public static final int DEFAULT_CONCURRENCY = 2;

    public ReplayProfile {
        if (systemPrompt == null || systemPrompt.isBlank()) {
            throw new IllegalArgumentException("the profile needs a systemPrompt");
        }
        if (concurrency != null && (concurrency < 1 || concurrency > 64)) {
            throw new IllegalArgumentException("concurrency must be between 1 and 64, was " + concurrency);
        }
        if (temperature != null && (temperature < 0 || temperature > 2)) {
            throw new IllegalArgumentException("temperature must be between 0 and 2, was " + temperature);
        }
        languages = languages == null ? List.of() : List.copyOf(languages);
    }

    public boolean toolsOn() {
        return tools == null || tools;
    }

    public int concurrencyLimit() {
        return concurrency == null ? DEFAULT_CONCURRENCY : concurrency;
    }

    public long firstTokenTimeout() {
        return firstTokenTimeoutMs == null || firstTokenTimeoutMs <= 0 ? 10_000 : firstTokenTimeoutMs;
    }

    public static ReplayProfile load(Path file) throws IOException {
        try {
            return new ObjectMapper().readValue(file.toFile(), ReplayProfile.class);
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException iae ? iae : e;
            throw new IOException("profile " + file + ": " + cause.getMessage(), e);
        }
    }
}
