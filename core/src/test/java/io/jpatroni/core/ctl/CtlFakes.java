package io.jpatroni.core.ctl;

import io.jpatroni.core.cluster.ClusterView;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** A scripted cluster admin and member API, and a runner that pipes stdin into jpatronictl. */
final class CtlFakes {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2030-01-01T10:00:00Z"), ZoneOffset.UTC);

    /** Reads return the script in order, the last one repeating; writes are recorded. */
    static final class Admin implements ClusterAdmin {
        List<ClusterView> script;
        int reads;
        final List<String> writes = new ArrayList<>();
        boolean writeOk = true;
        final Api api = new Api();

        Admin(ClusterView... script) {
            this.script = List.of(script);
        }

        @Override
        public ClusterView read(String clusterName) {
            return script.get(Math.min(reads++, script.size() - 1));
        }

        @Override
        public String defaultScope() {
            return "batman";
        }

        @Override
        public boolean writeConfig(String clusterName, String json, OptionalLong version) {
            writes.add("config " + clusterName + " " + json + " " + version);
            return writeOk;
        }

        @Override
        public boolean writeFailover(String clusterName, String json, OptionalLong version) {
            writes.add("failover " + clusterName + " " + json + " " + version);
            return writeOk;
        }

        @Override
        public boolean deleteCluster(String clusterName) {
            writes.add("delete " + clusterName);
            return true;
        }

        @Override
        public MemberApi memberApi() {
            return api;
        }
    }

    /** Answers keyed by {@code "METHOD endpoint"} or {@code "host METHOD endpoint"}; an IOException value is thrown. */
    static final class Api implements MemberApi {
        final Map<String, List<Object>> answers = new HashMap<>();
        final List<String> calls = new ArrayList<>();

        Api answer(String key, Object... responses) {
            answers.put(key, new ArrayList<>(List.of(responses)));
            return this;
        }

        @Override
        public Response call(String apiUrl, String method, String endpoint, Optional<String> json) throws IOException {
            String host = apiUrl.replaceAll("^https?://([^:/]+).*$", "$1");
            calls.add(method + " " + host + " /" + endpoint + json.map(j -> " " + j).orElse(""));
            List<Object> queue = answers.getOrDefault(host + " " + method + " " + endpoint,
                    answers.get(method + " " + endpoint));
            if (queue == null || queue.isEmpty()) {
                throw new IOException("Connection refused");
            }
            Object next = queue.size() > 1 ? queue.remove(0) : queue.get(0);
            if (next instanceof IOException e) {
                throw e;
            }
            return (Response) next;
        }
    }

    static MemberApi.Response ok(int status, String body) {
        return new MemberApi.Response(status, body);
    }

    /** One run of jpatronictl: exit code, stdout, stderr. */
    record Run(int code, String out, String err) {
    }

    static final class Runner {
        final Admin admin;
        final List<Duration> sleeps = new ArrayList<>();
        EditConfigCommand.Editor editor = f -> 0;
        SqlRunner sql = (t, s) -> Optional.empty();

        Runner(Admin admin) {
            this.admin = admin;
        }

        Run run(String stdin, String... args) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            JpatronictlCommand cmd = new JpatronictlCommand(p -> admin, new PrintWriter(out), new PrintWriter(err),
                    sleeps::add, CLOCK, false).withInput(new StringReader(stdin)).withEditor(editor).withSql(sql);
            int code = cmd.execute(args);
            return new Run(code, out.toString(), err.toString());
        }
    }

    private CtlFakes() {
    }
}
