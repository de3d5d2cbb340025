package jcnn.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import jcnn.io.Npy;
import jcnn.io.Npz;
import jcnn.tensor.Tensor;

/**
 * PyTorch fixtures: one {@code .npz} per case under {@code src/test/resources/fixtures/<area>/}, written by the
 * generators in {@code tools/fixtures/} (PyTorch 1.13, run by hand). Besides the arrays, each archive holds an
 * array {@code config}: the UTF-8 bytes (uint8) of {@code key=value;key=value;...}, describing the case.
 */
public final class Fixtures {
    private Fixtures() {}

    /** One fixture case: its file name, configuration and arrays. */
    public record Case(String name, Map<String, String> config, Map<String, Npy.Array> arrays) {
        public Tensor tensor(String key) {
            return array(key).toTensor();
        }

        public boolean has(String key) {
            return arrays.containsKey(key);
        }

        public Npy.Array array(String key) {
            Npy.Array a = arrays.get(key);
            if (a == null) throw new IllegalArgumentException(name + ": no array '" + key + "' (has " + arrays.keySet() + ")");
            return a;
        }

        public String get(String key) {
            String v = config.get(key);
            if (v == null) throw new IllegalArgumentException(name + ": no config key '" + key + "' (has " + config + ")");
            return v;
        }

        public String get(String key, String fallback) {
            return config.getOrDefault(key, fallback);
        }

        public int getInt(String key) {
            return Integer.parseInt(get(key).trim());
        }

        public int[] getInts(String key) {
            return Stream.of(get(key).split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToInt(Integer::parseInt).toArray();
        }

        public double getDouble(String key) {
            return Double.parseDouble(get(key).trim());
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** Every case of an area, sorted by file name. */
    public static List<Case> load(String area) {
        Path dir = directory(area);
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".npz")).sorted().map(Fixtures::read).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path directory(String area) {
        URL url = Fixtures.class.getResource("/fixtures/" + area);
        if (url == null) throw new IllegalStateException("no fixtures for '" + area + "' on the test classpath");
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Case read(Path file) {
        try {
            Map<String, Npy.Array> arrays = new LinkedHashMap<>(Npz.read(file));
            Map<String, String> config = new LinkedHashMap<>();
            Npy.Array c = arrays.remove("config");
            if (c != null) {
                byte[] bytes = new byte[c.ints().length];
                for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) c.ints()[i];
                for (String kv : new String(bytes, StandardCharsets.UTF_8).split(";")) {
                    int eq = kv.indexOf('=');
                    if (eq > 0) config.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                }
            }
            String name = file.getFileName().toString().replace(".npz", "");
            return new Case(name, config, arrays);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
