package jcnn.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jcnn.nn.Conv2d;
import jcnn.nn.Flatten;
import jcnn.nn.Init;
import jcnn.nn.Linear;
import jcnn.nn.MaxPool2d;
import jcnn.nn.ReLU;
import jcnn.nn.Sequential;
import jcnn.tensor.Tensor;
import jcnn.train.EpochStats;
import jcnn.viz.Png;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VizServerTest {
    static final int[] SHAPE = {1, 12, 12};
    static final int LIMIT = 64 * 1024;

    Sequential model;
    VizServer server;
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Sequential newModel(long seed) {
        Sequential m = new Sequential(new Conv2d(1, 4, 3), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(4 * 5 * 5, 3));
        m.initialize(Init.pytorchDefault(), seed);
        return m;
    }

    @BeforeEach
    void start() throws Exception {
        model = newModel(1);
        server = VizServer.start("127.0.0.1", 0, new ModelService(model, SHAPE, List.of("zero", "one", "two"), null, "test model"),
                new TrainingFeed(), LIMIT);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    // ---------------------------------------------------------------------------------------------------

    HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(server.uri().resolve(path)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postJson(String path, String json) throws Exception {
        return post(path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    static Map<?, ?> json(HttpResponse<String> r) throws Exception {
        return (Map<?, ?>) Json.parse(r.body());
    }

    static float[] pixels(long seed) {
        return Tensor.uniform(new SplittableRandom(seed), 0f, 1f, 144).data();
    }

    static String pixelsJson(float[] p) {
        return "{\"pixels\": " + Json.write(p) + "}";
    }

    /** Asserts a 4xx/5xx JSON error whose message contains {@code part}. */
    static void assertError(HttpResponse<String> r, int status, String part) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        String message = (String) json(r).get("error");
        assertTrue(message.contains(part), "'" + message + "' should contain '" + part + "'");
    }

    static BufferedImage digitPicture() {
        BufferedImage img = new BufferedImage(60, 60, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(25, 8, 9, 44);
        g.dispose();
        return img;
    }

    // ---------------------------------------------------------------------------------------------------

    @Test
    void servesThePage() throws Exception {
        HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("<canvas id=\"pad\""));
        assertTrue(get("/app.js").body().contains("/api/analyze"));
        assertEquals("text/css; charset=utf-8", get("/style.css").headers().firstValue("Content-Type").orElse(""));
    }

    @Test
    void describesTheModel() throws Exception {
        Map<?, ?> m = json(get("/api/model"));
        assertEquals(List.of(1.0, 12.0, 12.0), m.get("inputShape"));
        assertEquals(List.of("zero", "one", "two"), m.get("classes"));
        List<?> layers = (List<?>) m.get("layers");
        assertEquals(5, layers.size());
        Map<?, ?> conv = (Map<?, ?>) layers.get(0);
        assertEquals(Boolean.TRUE, conv.get("featureMaps"));
        assertEquals(Boolean.TRUE, conv.get("filters"));
        assertEquals(Boolean.TRUE, conv.get("deconv"));
        assertEquals(List.of(4.0, 10.0, 10.0), conv.get("outputShape"));
        assertEquals(Boolean.FALSE, ((Map<?, ?>) layers.get(4)).get("deconv"));
    }

    @Test
    void predictsFromPixelsAsTheModelDoes() throws Exception {
        float[] p = pixels(3);
        Map<?, ?> r = json(postJson("/api/predict", pixelsJson(p)));
        List<?> probs = (List<?>) r.get("probabilities");
        assertEquals(3, probs.size());
        double sum = 0;
        for (Object o : probs) sum += (Double) o;
        assertEquals(1.0, sum, 1e-5);
        Tensor logits = model.predict(Tensor.of(p, 1, 1, 12, 12));
        int best = 0;
        for (int i = 1; i < 3; i++) if (logits.data()[i] > logits.data()[best]) best = i;
        assertEquals((double) best, r.get("predicted"));
        assertEquals(List.of("zero", "one", "two").get(best), r.get("label"));
    }

    @Test
    void analyzesImagesSentRawOrAsDataUrls() throws Exception {
        byte[] png = Png.encode(digitPicture());
        HttpResponse<String> raw = post("/api/analyze", "image/png", png);
        assertEquals(200, raw.statusCode(), raw.body());
        String dataUrl = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        HttpResponse<String> viaJson = postJson("/api/analyze", "{\"image\": \"" + dataUrl + "\"}");
        assertEquals(raw.body(), viaJson.body());
        Map<?, ?> r = json(raw);
        List<?> layers = (List<?>) r.get("layers");
        assertEquals(2, layers.size()); // the convolution and the pooling layer
        assertTrue(((String) ((Map<?, ?>) layers.get(0)).get("image")).startsWith("data:image/png;base64,"));
        assertTrue(((String) r.get("input")).startsWith("data:image/png;base64,"));
    }

    @Test
    void filtersDeconvAndSaliency() throws Exception {
        Map<?, ?> f = json(get("/api/filters"));
        assertEquals(1, ((List<?>) f.get("filters")).size());
        assertEquals(200, get("/api/filters?layer=0").statusCode());
        String in = pixelsJson(pixels(4));
        Map<?, ?> d = json(postJson("/api/deconv", in.replace("{", "{\"layer\": 2, \"channel\": 3, ")));
        assertEquals(2.0, d.get("layer"));
        assertTrue(((String) d.get("image")).startsWith("data:image/png"));
        Map<?, ?> dq = json(postJson("/api/deconv?layer=2&channel=3", in));
        assertEquals(d.get("image"), dq.get("image"));
        // without a channel: the channel with the largest activation
        Map<?, ?> auto = json(postJson("/api/deconv?layer=0", in));
        Tensor conv = model.get(0).forward(Tensor.of(pixels(4), 1, 1, 12, 12), false);
        int best = 0;
        for (int i = 1; i < conv.numel(); i++) if (conv.data()[i] > conv.data()[best]) best = i;
        assertEquals((double) (best / 100), auto.get("channel"));
        assertEquals(auto.get("image"), json(postJson("/api/deconv?layer=0&channel=" + best / 100, in)).get("image"));
        Map<?, ?> s = json(postJson("/api/saliency?class=1", in));
        assertEquals(1.0, s.get("class"));
        Map<?, ?> sp = json(postJson("/api/saliency", in));
        assertEquals(json(postJson("/api/predict", in)).get("predicted"), sp.get("class"));
    }

    @Test
    void refusesBadRequestsWithClearJsonErrors() throws Exception {
        assertError(postJson("/api/predict", "{\"pixels\": [0.5, 0.5]}"), 400, "\"pixels\" has 2 values; the model takes (1, 12, 12) = 144");
        assertError(postJson("/api/predict", "{\"pixels\": [0.5, \"x\"]}"), 400, "\"pixels\"[1] is not a number");
        assertError(postJson("/api/predict", "{\"pixels\": 3}"), 400, "must be an array");
        assertError(postJson("/api/predict", "{\"pixels\": [1, 2,]}"), 400, "malformed JSON at offset");
        assertError(postJson("/api/predict", "[1, 2]"), 400, "must be an object");
        assertError(postJson("/api/predict", "{}"), 400, "no input");
        assertError(postJson("/api/predict", "{\"image\": \"data:image/png;base64,@@@\"}"), 400, "not valid base64");
        assertError(postJson("/api/predict", "{\"image\": \"" + Base64.getEncoder().encodeToString("plain text".getBytes()) + "\"}"),
                415, "not a PNG, JPEG, GIF or BMP image");
        assertError(post("/api/predict", "image/png", "GIF89a but not really an image at all".getBytes()), 415, "image");
        assertError(post("/api/predict", "text/plain", "hello".getBytes()), 415, "unsupported Content-Type 'text/plain'");
        assertError(post("/api/predict", "image/png", new byte[0]), 400, "empty");
        assertError(post("/api/predict", "image/png", Png.encode(new BufferedImage(5000, 1, BufferedImage.TYPE_BYTE_GRAY))),
                413, "5000x1 pixels");
        assertError(postJson("/api/predict", pixelsJson(pixels(1)).replace("}", ", \"fit\": \"zoom\"}")), 400, "unknown fit 'zoom'");
        assertError(postJson("/api/deconv", pixelsJson(pixels(1))), 400, "missing \"layer\"");
        assertError(postJson("/api/deconv?layer=0&channel=9", pixelsJson(pixels(1))), 400, "channel 9 outside [0, 4)");
        assertError(postJson("/api/deconv?layer=4&channel=0", pixelsJson(pixels(1))), 400, "cannot project through layer 3");
        assertError(postJson("/api/deconv?layer=4", pixelsJson(pixels(1))), 400, "cannot project through layer 3");
        assertError(postJson("/api/deconv?layer=x&channel=0", pixelsJson(pixels(1))), 400, "'layer' must be an integer");
        assertError(postJson("/api/deconv", pixelsJson(pixels(1)).replace("{", "{\"layer\": 0.5, \"channel\": 0, ")), 400, "\"layer\" must be an integer");
        assertError(postJson("/api/saliency?class=3", pixelsJson(pixels(1))), 400, "class 3 outside [0, 3)");
        assertError(get("/api/filters?layer=1"), 400, "not a Conv2d");
        assertError(get("/api/nothing"), 404, "no such page or API: /api/nothing");
        HttpResponse<String> wrongMethod = get("/api/predict");
        assertError(wrongMethod, 405, "use POST here, not GET");
        assertEquals("POST", wrongMethod.headers().firstValue("Allow").orElse(""));
        assertError(post("/api/model", "application/json", "{}".getBytes()), 405, "use GET");
        // the server is still fine
        assertEquals(200, get("/api/model").statusCode());
        assertEquals(200, postJson("/api/predict", pixelsJson(pixels(2))).statusCode());
    }

    @Test
    void refusesOversizeBodies() throws Exception {
        byte[] big = new byte[LIMIT + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        big[0] = '{';
        assertError(post("/api/predict", "application/json", big), 413, "at most " + LIMIT);
        // a body too large for any limit: a JSON array of 200,000 numbers
        StringBuilder sb = new StringBuilder("{\"pixels\": [");
        for (int i = 0; i < 200_000; i++) sb.append(i == 0 ? "" : ",").append("0.5");
        assertError(postJson("/api/predict", sb.append("]}").toString()), 413, "bytes");
        assertEquals(200, get("/api/model").statusCode());
    }

    @Test
    void concurrentRequestsGetTheSameAnswersAsSerialOnes() throws Exception {
        int inputs = 6;
        List<String> bodies = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        String[] paths = {"/api/analyze", "/api/predict", "/api/deconv?layer=2&channel=1", "/api/saliency"};
        for (int i = 0; i < inputs; i++) bodies.add(pixelsJson(pixels(100 + i)));
        for (int i = 0; i < inputs * paths.length; i++) {
            expected.add(postJson(paths[i % paths.length], bodies.get(i / paths.length)).body());
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> got = new ArrayList<>();
            for (int rep = 0; rep < 3; rep++) {
                for (int i = 0; i < inputs * paths.length; i++) {
                    int k = i;
                    got.add(pool.submit(() -> postJson(paths[k % paths.length], bodies.get(k / paths.length)).body()));
                }
            }
            for (int j = 0; j < got.size(); j++) assertEquals(expected.get(j % expected.size()), got.get(j).get(), "request " + j);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void newWeightsReachTheAnswers() throws Exception {
        String in = pixelsJson(pixels(7));
        String before = postJson("/api/predict", in).body();
        ModelService service = new ModelService(model, SHAPE, null, null, "");
        server.setModel(service);
        service.loadWeights(newModel(99).stateDict());
        Map<?, ?> after = json(postJson("/api/predict", in));
        assertNotEquals(json(postJson("/api/predict", in)).get("probabilities"), ((Map<?, ?>) Json.parse(before)).get("probabilities"));
        assertEquals(1.0, after.get("version"));
    }

    @Test
    void withoutAModelTheModelEndpointsSayWhy() throws Exception {
        server.close();
        server = VizServer.start("127.0.0.1", 0, null, new TrainingFeed(), LIMIT);
        assertError(get("/api/model"), 503, "still being trained");
        assertError(postJson("/api/predict", pixelsJson(pixels(1))), 503, "still being trained");
        assertEquals(200, get("/").statusCode());
        assertEquals(200, get("/api/training").statusCode());
        server.setModel(new ModelService(model, SHAPE, null, null, ""));
        assertEquals(200, get("/api/model").statusCode());
    }

    @Test
    void followsATrainingRunThroughServerSentEvents() throws Exception {
        TrainingFeed feed = server.feed();
        feed.status("loading");
        HttpRequest req = HttpRequest.newBuilder(server.uri().resolve("/api/training/events")).GET().build();
        HttpResponse<java.io.InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            List<String> events = new ArrayList<>();
            List<String> data = new ArrayList<>();
            Thread trainer = Thread.ofVirtual().start(() -> {
                try {
                    while (feed.subscribers() == 0) Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
                feed.onStart(1, 2, 3);
                for (int b = 1; b <= 3; b++) feed.onBatch(1, b, 3, 1.0 / b, 0.3 * b, 500);
                feed.onEpochEnd(new EpochStats(1, 0.5, 0.9, 0.6, 0.85, 0.01, 1.0, 500));
                feed.onEnd(List.of());
            });
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("event: ")) events.add(line.substring(7));
                if (line.startsWith("data: ")) data.add(line.substring(6));
                if (events.contains("end") && data.size() == events.size()) break;
            }
            trainer.join();
            // snapshot first (with the status sent before connecting), then the run; batch events are throttled but the
            // epoch's last batch is always sent
            assertEquals("snapshot", events.get(0));
            assertEquals("loading", ((Map<?, ?>) Json.parse(data.get(0))).get("message"));
            assertEquals("start", events.get(1));
            assertTrue(events.contains("batch"));
            int epoch = events.indexOf("epoch");
            assertEquals(3.0, ((Map<?, ?>) Json.parse(data.get(epoch - 1))).get("batch"));
            Map<?, ?> e = (Map<?, ?>) Json.parse(data.get(epoch));
            assertEquals(0.85, e.get("valAccuracy"));
            assertEquals("end", events.get(events.size() - 1));
        }
        Map<?, ?> snap = json(get("/api/training"));
        assertEquals("done", snap.get("state"));
        assertEquals(1, ((List<?>) snap.get("epochs")).size());
    }
}
