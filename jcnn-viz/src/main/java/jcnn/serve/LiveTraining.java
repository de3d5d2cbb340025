package jcnn.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import jcnn.data.Dataset;
import jcnn.io.ModelFile;
import jcnn.train.EpochStats;
import jcnn.train.Trainer;

/**
 * A training run in a background thread that the page follows live: the {@link TrainingFeed} is registered on the
 * {@link Trainer}, and about once a second (and after every epoch) the weights being trained are copied into the
 * served {@link ModelService}, so predictions, feature maps and filters change as the network learns. The training
 * model is never used by a request: requests see the copy, replaced between batches under the service's lock.
 *
 * <p>When the run ends the model (with its history) is saved to {@code saveTo} if one is given, and
 * {@code whenDone} gets the saved contents.
 */
public final class LiveTraining {
    static final long COPY_INTERVAL_NANOS = 1_000_000_000L;

    private final Thread thread;

    private LiveTraining(Thread thread) {
        this.thread = thread;
    }

    /**
     * Starts {@code trainer.fit(train)} in a daemon thread.
     *
     * @param info     what the saved model file records (input-shape, classes, normalize-mean/std, ...)
     * @param saveTo   where to save the trained model (null: not saved)
     * @param whenDone called with the trained model's contents after a successful run (null: nothing)
     */
    public static LiveTraining start(Trainer trainer, Dataset train, ModelService service, TrainingFeed feed,
                                     Map<String, String> info, Path saveTo, Consumer<ModelFile.Contents> whenDone) {
        long[] lastCopy = {System.nanoTime()};
        feed.onEveryBatch(() -> {
            long now = System.nanoTime();
            if (now - lastCopy[0] >= COPY_INTERVAL_NANOS) {
                lastCopy[0] = now;
                publish(trainer, service, feed);
            }
        });
        trainer.listener(feed);
        trainer.listener(new jcnn.train.TrainingListener() {
            @Override
            public void onEpochEnd(EpochStats stats) {
                publish(trainer, service, feed);
            }
        });
        Thread t = Thread.ofPlatform().daemon(true).name("jcnn-live-training").start(() -> {
            try {
                List<EpochStats> history = trainer.fit(train);
                publish(trainer, service, feed);
                Map<String, String> saved = new LinkedHashMap<>(info);
                saved.put("epochs-done", Integer.toString(history.size()));
                ModelFile.Contents c = new ModelFile.Contents(trainer.model(), saved, history.stream().map(EpochStats::toLine).toList(), Map.of());
                if (saveTo != null) {
                    ModelFile.save(saveTo, c);
                    feed.status("trained model saved to " + saveTo);
                }
                if (whenDone != null) whenDone.accept(c);
            } catch (IOException | RuntimeException e) {
                feed.failed("training failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            }
        });
        return new LiveTraining(t);
    }

    private static void publish(Trainer trainer, ModelService service, TrainingFeed feed) {
        service.loadWeights(trainer.model().stateDict());
        feed.modelChanged(service.version());
    }

    /** Waits for the run to end (for tests and for a command that trains before it serves). */
    public void join() throws InterruptedException {
        thread.join();
    }

    public boolean isRunning() {
        return thread.isAlive();
    }
}
