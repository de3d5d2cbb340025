package jcnn.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import jcnn.data.Dataset;
import jcnn.io.ModelFile;
import jcnn.nn.Sequential;
import jcnn.optim.Optimizers;
import jcnn.tensor.Tensor;
import jcnn.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveTrainingTest {

    /** 1x12x12 images of 2 of 3 classes: a bright bar in the left half (0) or the right half (1), with noise. */
    static Dataset bars(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        Tensor x = Tensor.uniform(rng, 0f, 0.2f, n, 1, 12, 12);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 2;
            int col = labels[i] == 0 ? 1 + rng.nextInt(4) : 7 + rng.nextInt(4);
            for (int r = 2; r < 10; r++) x.set(1f, i, 0, r, col);
        }
        return new Dataset("bars", x, labels, 3, List.of("left", "right", "unused"));
    }

    @Test
    void theServedModelFollowsTheTrainingAndTheResultIsSaved(@TempDir Path dir) throws Exception {
        Sequential model = VizServerTest.newModel(3);
        ModelService service = new ModelService(model, new int[] {1, 12, 12}, List.of("left", "right", "unused"), null, "");
        TrainingFeed feed = new TrainingFeed();
        Trainer trainer = new Trainer(model, Optimizers.byName("adam", model.parameters(), 0.01)).epochs(3).batchSize(20).seed(1);
        Path out = dir.resolve("trained.jcnn");
        AtomicReference<ModelFile.Contents> done = new AtomicReference<>();
        Tensor probe = bars(2, 99).images();
        Tensor one = Tensor.zeros(1, 1, 12, 12);
        System.arraycopy(probe.data(), 0, one.data(), 0, 144);
        String before = Json.write(service.predict(one).get("probabilities"));
        LiveTraining live = LiveTraining.start(trainer, bars(200, 5), service, feed, Map.of("input-shape", "1, 12, 12"), out, done::set);
        live.join();
        assertTrue(!live.isRunning());
        Map<String, Object> snap = feed.snapshot();
        assertEquals("done", snap.get("state"));
        assertEquals(3, ((List<?>) snap.get("epochs")).size());
        assertTrue(service.version() >= 3, "weights copied after every epoch at least: " + service.version());
        // the served copy now answers as the trained model does
        Tensor logits = model.predict(one);
        assertEquals(Json.write(service.predict(one).get("predicted")), Integer.toString(argmax(logits)));
        assertTrue(!before.equals(Json.write(service.predict(one).get("probabilities"))));
        assertNotNull(done.get());
        ModelFile.Contents saved = ModelFile.load(out);
        assertEquals(3, saved.history().size());
        assertEquals("3", saved.info("epochs-done"));
        assertEquals(trainer.model().stateDict().get("4.weight").data()[0], saved.model().stateDict().get("4.weight").data()[0]);
    }

    static int argmax(Tensor t) {
        int best = 0;
        for (int i = 1; i < t.numel(); i++) if (t.data()[i] > t.data()[best]) best = i;
        return best;
    }

    @Test
    void aFailedRunIsReportedNotThrown() throws Exception {
        Sequential model = VizServerTest.newModel(3);
        ModelService service = new ModelService(model, new int[] {1, 12, 12}, null, null, "");
        TrainingFeed feed = new TrainingFeed();
        Trainer trainer = new Trainer(model, Optimizers.byName("adam", model.parameters(), 0.01)).epochs(1);
        // images of the wrong size: the trainer refuses them
        Dataset wrong = new Dataset("wrong", Tensor.zeros(4, 1, 8, 8), new int[4], 2, null);
        LiveTraining.start(trainer, wrong, service, feed, Map.of(), null, null).join();
        Map<String, Object> snap = feed.snapshot();
        assertEquals("failed", snap.get("state"));
        assertTrue(((String) snap.get("message")).startsWith("training failed: "), (String) snap.get("message"));
    }

    @Test
    void firstStartTrainsAndCachesTheDemoModelThenLaterStartsLoadIt(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache").resolve(DemoModel.CACHE_NAME);
        ServeSession.Options o = new ServeSession.Options(null, "127.0.0.1", 0, false, null, 1, null, VizServer.DEFAULT_MAX_BODY_BYTES, cache);
        HttpClient client = HttpClient.newHttpClient();
        try (ServeSession s = ServeSession.start(o, System.out)) {
            assertNotNull(s.training(), "nothing cached: it trains");
            // the page has a model at once (training live), and the run's status
            URI base = s.server().uri();
            assertEquals(200, client.send(HttpRequest.newBuilder(base.resolve("/api/model")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            s.training().join();
            Map<?, ?> t = (Map<?, ?>) Json.parse(client.send(HttpRequest.newBuilder(base.resolve("/api/training")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertEquals("done", t.get("state"));
            Map<?, ?> epoch = (Map<?, ?>) ((List<?>) t.get("epochs")).get(0);
            assertTrue((Double) epoch.get("valAccuracy") > 0.8, "one epoch already recognises digits: " + epoch);
        }
        assertTrue(Files.isRegularFile(cache));
        ModelFile.Contents c = DemoModel.cached(cache);
        assertEquals("1, 28, 28", c.info("input-shape"));
        assertEquals("0,1,2,3,4,5,6,7,8,9", c.info("classes"));
        assertNotNull(c.info("normalize-mean"));
        try (ServeSession s = ServeSession.start(o, System.out)) {
            assertNull(s.training(), "cached: no training");
            Map<?, ?> m = (Map<?, ?>) Json.parse(client.send(HttpRequest.newBuilder(s.server().uri().resolve("/api/model")).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
            assertTrue(((String) m.get("description")).contains("cached in"), (String) m.get("description"));
        }
        // A model file with --train is trained further, live, and saved to --output, never over itself.
        byte[] before = Files.readAllBytes(cache);
        Path more = dir.resolve("more.jcnn");
        ServeSession.Options further = new ServeSession.Options(cache, "127.0.0.1", 0, true, null, 1, more, VizServer.DEFAULT_MAX_BODY_BYTES,
                dir.resolve("unused.jcnn"));
        try (ServeSession s = ServeSession.start(further, System.out)) {
            assertNotNull(s.training());
            s.training().join();
        }
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(cache)), "the served model file is left alone");
        ModelFile.Contents trained = ModelFile.load(more);
        assertEquals(1, trained.history().size());
        assertEquals(c.info("normalize-mean"), trained.info("normalize-mean"), "trained with the model's own normalisation");
        assertTrue(!Files.exists(dir.resolve("unused.jcnn")));
        // a damaged cache is trained again
        Files.writeString(cache, "not a model");
        assertNull(DemoModel.cached(cache));
    }
}
