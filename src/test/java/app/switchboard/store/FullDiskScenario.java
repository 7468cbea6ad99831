package app.switchboard.store;

import static app.switchboard.store.StoreFixtures.conversation;
import static app.switchboard.store.StoreFixtures.event;

import app.switchboard.call.CallEvent;
import app.switchboard.call.EventKind;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Runs in a child JVM whose data folder is a tiny tmpfs (see {@link EventStoreFullDiskTest}):
 * fills the disk, checks that the store degrades without failing the caller, frees the
 * space, and checks every event is written. Prints one result line per step.
 */
public final class FullDiskScenario {

    private FullDiskScenario() {
    }

    public static void main(String[] args) throws Exception {
        Path mount = Path.of(args[0]);
        Path filler = mount.resolve("filler");
        Instant t0 = Instant.parse("2026-11-22T09:00:00Z");
        List<CallEvent> first = conversation("CA-before", "+15557770000", t0, "before the disk filled", true);
        List<CallEvent> second = new ArrayList<>();
        String words = "the caller keeps talking about the roaming charge ".repeat(20);
        for (int seq = 1; seq <= 300; seq++) {
            second.add(event("CA-during", seq, t0.plusSeconds(60).plusMillis(seq), EventKind.AGENT_TOKEN,
                    "turn", 1, "token", seq + " " + words));
        }
        try (EventStore store = EventStore.open(mount.resolve("data"), StoreFixtures.fastRetry())) {
            first.forEach(store::append);
            require(store.flush(Duration.ofSeconds(20)) && store.health().ok(), "first call written");
            long filled = fill(filler);
            System.out.println("FILLED|" + filled);
            second.forEach(store::append);
            require(until(() -> !store.health().ok()), "health degraded");
            System.out.println("DEGRADED|" + store.health().message());
            Files.delete(filler);
            require(until(() -> store.health().ok()), "health recovered");
            require(store.flush(Duration.ofSeconds(20)), "everything written after space was freed");
            System.out.println("WRITTEN|" + store.events("CA-before").size() + "|" + store.events("CA-during").size());
        }
        System.exit(0);
    }

    private static long fill(Path filler) throws IOException {
        long written = 0;
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(chunk);
                out.flush();
                written += chunk.length;
            }
        } catch (IOException full) {
            return written; // "No space left on device"
        }
    }

    private static boolean until(BooleanSupplier condition) {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static void require(boolean ok, String what) {
        if (!ok) {
            System.out.println("FAIL|" + what);
            System.exit(1);
        }
    }
}
