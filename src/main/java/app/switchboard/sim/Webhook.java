package app.switchboard.sim;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.FormRequestContent;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.util.Fields;

/**
 * A webhook as Twilio sends it: a form-encoded POST, signed over the URL Twilio was given
 * (the public one), delivered to wherever the relay actually listens (loopback).
 */
public final class Webhook {

    /** Twilio's webhook user agent. */
    public static final String USER_AGENT = "TwilioProxy/1.1";

    /** What the relay answered. */
    public record Result(String path, Map<String, String> form, int status, String body) {
        public Result {
            form = Collections.unmodifiableMap(new LinkedHashMap<>(form));
        }
    }

    private Webhook() {
    }

    /**
     * Posts {@code form} to {@code postTo}, signed over {@code signedUrl} with {@code authToken}
     * (unsigned when the token is null). A transport failure completes the future exceptionally.
     */
    public static CompletableFuture<Result> post(SimClient client, URI postTo, String signedUrl,
                                                 String authToken, Map<String, String> form) {
        Fields fields = new Fields();
        form.forEach(fields::put);
        Request request = client.http().POST(postTo)
                .timeout(15, TimeUnit.SECONDS)
                .headers(h -> h.put("User-Agent", USER_AGENT))
                .body(new FormRequestContent(fields));
        if (authToken != null) {
            String signature = TwilioSignature.sign(authToken, signedUrl, form);
            request.headers(h -> h.put(TwilioSignature.HEADER, signature));
        }
        return new CompletableResponseListener(request, 1024 * 1024).send()
                .thenApply(r -> new Result(postTo.getPath(), form, r.getStatus(), r.getContentAsString()));
    }
}
