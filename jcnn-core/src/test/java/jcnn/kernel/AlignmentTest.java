package jcnn.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Where the kernels believe a float array's first cache line begins. The JVM's placement cannot be observed from Java
 * (AlignmentBench measures its effect), so this checks what can be: that the main test run, started like ./jcnn with
 * -XX:ObjectAlignmentInBytes=64, has the aligned buffers the kernels then use (the other run tests them at 0).
 */
class AlignmentTest {
    @Test
    void firstLineIsWhereTheHeaderEndsOnAlignedObjects() {
        assertTrue(Alignment.FLOATS >= 0 && Alignment.FLOATS < Alignment.LINE / Float.BYTES, "offset " + Alignment.FLOATS);
        if (Boolean.getBoolean("jcnn.test.aligned")) {
            // JDK 25's default array header: 8 bytes of mark word, 4 of compressed class pointer, 4 of length
            assertEquals(12, Alignment.FLOATS, "floats before the first 64-byte boundary with a 16-byte header");
        }
    }

    @Test
    void theWinogradPlansBeginTheirBuffersThere() {
        ConvGeometry g = ConvGeometry.of(16, 28, 28, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1);
        Winograd4x4 plan = new Winograd4x4(g, 16, 8, 32, 256);
        assertEquals(Alignment.FLOATS, plan.base);
        assertEquals(plan.base + plan.groups * plan.groupSize(), plan.interleavedBufferSize());
        assertEquals(Alignment.FLOATS, new Winograd(g, 16, 8, 32, 256).base);
        ConvGeometry strided = ConvGeometry.of(16, 28, 28, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1);
        assertEquals(Alignment.FLOATS, new WinogradStride2(strided, 16, 8, 32, 256).base);
        // the stride-2 input gradient keeps its buffers at 0
        assertEquals(0, new WinogradStride2Gradient(strided, 16, 8, 32, 256).base);
    }
}
