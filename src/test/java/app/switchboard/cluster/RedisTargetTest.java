package app.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The --cluster address: credentials only from the environment, and never in what is logged. */
class RedisTargetTest {

    private static final Map<String, String> CREDENTIALS = Map.of(
            RedisTarget.USERNAME_ENV, "relay", RedisTarget.PASSWORD_ENV, "s3cret-value");

    @Test
    void tlsAddressWithCredentialsFromTheEnvironmentIsLoggedWithoutThem() {
        RedisTarget target = RedisTarget.parse("rediss://redis.internal:6380/2", CREDENTIALS);
        assertTrue(target.tls());
        assertTrue(target.authenticated());
        assertEquals("rediss://redis.internal:6380/2 (authenticated)", target.toString());
        assertFalse(target.toString().contains("s3cret"));
        var uri = target.redisUri(Duration.ofSeconds(2));
        assertTrue(uri.isSsl());
        assertEquals(2, uri.getDatabase());
        assertFalse(uri.toString().contains("s3cret"), uri.toString());
    }

    @Test
    void plainAddressDefaultsToPort6379WithoutAuthentication() {
        RedisTarget target = RedisTarget.parse("redis://127.0.0.1", Map.of());
        assertEquals("redis://127.0.0.1:6379", target.toString());
        assertFalse(target.authenticated());
    }

    @Test
    void credentialsInTheAddressAreRefusedWithoutBeingRepeated() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RedisTarget.parse("redis://:hunter2@127.0.0.1:6379", Map.of()));
        assertFalse(e.getMessage().contains("hunter2"));
        assertTrue(e.getMessage().contains(RedisTarget.PASSWORD_ENV));
    }

    @Test
    void otherSchemesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RedisTarget.parse("http://127.0.0.1:6379", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> RedisTarget.parse("redis://127.0.0.1:6379/x", Map.of()));
    }
}
