package jcnn.optim;

/**
 * A learning-rate schedule: the learning rate at a (fractional) epoch, given the base learning rate. The
 * trainer sets {@code optimizer.setLearningRate(schedule.at(baseLr, epoch))} before every batch, with
 * {@code epoch = epochIndex + batchIndex / batchesPerEpoch} (2.5 = the middle of the third epoch).
 * Implementations are in {@link Schedules}; their {@code toString()} is a spec {@link Schedules#byName} reads.
 */
@FunctionalInterface
public interface LrSchedule {
    /**
     * @param baseLr the learning rate the schedule scales (finite, {@code >= 0})
     * @param epoch  epochs elapsed, fractional (finite, {@code >= 0})
     */
    double at(double baseLr, double epoch);
}
