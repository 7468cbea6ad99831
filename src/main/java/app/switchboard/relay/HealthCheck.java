package app.switchboard.relay;

import java.util.List;

/**
 * One part of what {@code GET /health} reports (the call history, later Redis). The relay's
 * status is the worst of its parts: {@code ok}, {@code degraded} (working, something needs
 * attention: events waiting to be written, the disk nearly full) or {@code failed} (something is
 * being lost: answered with HTTP 503 so a load balancer or monitor takes notice).
 */
@FunctionalInterface
public interface HealthCheck {

    Result check();

    enum Level { OK, DEGRADED, FAILED }

    /** {@code reason} is what an operator reads; it never names secrets or local paths. */
    record Result(String name, Level level, String reason) {
    }

    static Level worst(List<Result> results) {
        Level worst = Level.OK;
        for (Result r : results) {
            if (r.level().compareTo(worst) > 0) {
                worst = r.level();
            }
        }
        return worst;
    }
}
