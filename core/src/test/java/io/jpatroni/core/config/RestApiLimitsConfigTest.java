package io.jpatroni.core.config;

import static io.jpatroni.core.config.TestConfigs.errors;
import static io.jpatroni.core.config.TestConfigs.minimalWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** restapi.request_queue_size and restapi.thread_pool_size: read, defaulted, and bounded as Patroni bounds them. */
class RestApiLimitsConfigTest {

    @Test
    void defaultsArePatronis() throws Exception {
        RestApiConfig r = ConfigLoader.bind(minimalWith("")).config().restapi();
        assertEquals(5, r.requestQueueSize());
        assertEquals(5, r.threadPoolSize());
    }

    @Test
    void valuesAreRead() throws Exception {
        RestApiConfig r = ConfigLoader.bind(minimalWith("restapi: {request_queue_size: 64, thread_pool_size: '8'}"))
                .config().restapi();
        assertEquals(64, r.requestQueueSize());
        assertEquals(8, r.threadPoolSize());
    }

    @Test
    void theEnvironmentSetsTheQueueSize() throws Exception {
        Map<String, Object> raw = minimalWith("");
        ConfigLoader.merge(raw, EnvOverrides.read(Map.of("PATRONI_RESTAPI_REQUEST_QUEUE_SIZE", "100")).config());
        assertEquals(100, ConfigLoader.bind(raw).config().restapi().requestQueueSize());
    }

    @Test
    void outOfRangeOrWrongTypeIsAnErrorNamingTheKey() throws Exception {
        for (String bad : List.of("request_queue_size: -1", "request_queue_size: 4097", "request_queue_size: abc",
                "request_queue_size: 99999999999999999999", "thread_pool_size: 4", "thread_pool_size: 100000",
                "thread_pool_size: true")) {
            List<ConfigProblem> e = errors(minimalWith("restapi: {" + bad + "}"));
            String key = "restapi." + bad.substring(0, bad.indexOf(':'));
            assertTrue(e.stream().anyMatch(p -> p.path().equals(key)), bad + " -> " + e);
        }
    }
}
