package app.switchboard.agent;

import java.util.List;

/** The reason a {@code FAULT} records for a failed model request: short, and safe to show and store. */
final class FaultReason {

    private FaultReason() {
    }

    /** The failure's first message (at most 300 characters), with protected secrets and tokens redacted. */
    static String of(Throwable failure, List<String> protectedSecrets) {
        return redact(describe(failure), protectedSecrets);
    }

    private static String describe(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getMessage() == null) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return message.length() > 300 ? message.substring(0, 300) + "…" : message;
    }

    /** Fault reasons go to the console and the store: no secret, no auth header. */
    private static String redact(String reason, List<String> protectedSecrets) {
        String out = reason;
        for (String secret : protectedSecrets) {
            if (secret != null && !secret.isEmpty()) {
                out = out.replace(secret, "[redacted]");
            }
        }
        return out.replaceAll("(?i)(bearer\\s+)\\S+", "$1[redacted]").replaceAll("sk-[A-Za-z0-9_-]{8,}", "[redacted]");
    }
}
