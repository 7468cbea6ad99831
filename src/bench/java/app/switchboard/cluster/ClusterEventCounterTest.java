package app.switchboard.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The parts of {@link ClusterEventCounter} that read Redis's answers (the counting itself runs in RelayBenchSmokeTest). */
class ClusterEventCounterTest {

    @Test
    void thePageAfterAnEntryStartsAtTheNextSequenceOfTheSameMillisecond() {
        assertEquals("1764628000123-8", ClusterEventCounter.after("1764628000123-7"));
        assertEquals(1764628000123L, ClusterEventCounter.millisOf("1764628000123-7"));
    }

    @Test
    void redisCpuIsUserPlusSystemOfTheMainProcess() {
        String info = "# CPU\r\nused_cpu_sys:1.250000\r\nused_cpu_user:2.500000\r\nused_cpu_sys_children:9.000000\r\n"
                + "used_cpu_user_children:9.000000\r\nused_cpu_sys_main_thread:1.000000\r\n";
        assertEquals(3.75, ClusterEventCounter.cpuSeconds(info), 1e-9);
    }
}
