package jcnn.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import jcnn.kernel.Gemm;
import jcnn.kernel.Parallel;
import jcnn.tensor.Tensor;
import jcnn.testing.Tensors;
import org.junit.jupiter.api.Test;

/**
 * Linear's backward computes dW and dx in one parallel pass over strips of their shared columns (when the products
 * are big enough to be worth a hand-over): the strips must cover every column once, at any thread count, and give
 * what one serial GEMM per product gives, bit for bit.
 */
class LinearTest {

    @Test
    void backwardOverColumnStripsEqualsOneSerialProductPerGradient() {
        // 2·N·out·in = 4.2M flops: above the threshold for the strips; in = 301 is not a multiple of the 16-wide panels
        int n = 100, in = 301, out = 70;
        Tensor x = Tensors.random(1, n, in), dy = Tensors.random(2, n, out);
        int before = Parallel.threads();
        try {
            for (int threads = 1; threads <= 3; threads++) {
                Parallel.setThreads(threads);
                Linear layer = new Linear(in, out);
                layer.weight().value().copyFrom(Tensors.random(3, out, in));
                layer.setInputGradRequired(true);
                layer.forward(x, true);
                float[] dx = layer.backward(dy).data();
                float[] w = layer.weight().value().data(), g = dy.data();

                float[] dwSerial = new float[out * in], dxSerial = new float[n * in];
                Gemm.sgemm(true, false, out, in, n, g, 0, out, x.data(), 0, in, 0f, dwSerial, 0, in);
                Gemm.sgemm(false, false, n, in, out, g, 0, out, w, 0, in, 0f, dxSerial, 0, in);
                assertArrayEquals(dwSerial, layer.weight().grad().data(), "dW at " + threads + " threads");
                assertArrayEquals(dxSerial, dx, "dx at " + threads + " threads");

                // and the serial products are the definition (plain loops)
                float[] dwRef = new float[out * in], dxRef = new float[n * in];
                Gemm.sgemmReference(true, false, out, in, n, g, 0, out, x.data(), 0, in, 0f, dwRef, 0, in);
                Gemm.sgemmReference(false, false, n, in, out, g, 0, out, w, 0, in, 0f, dxRef, 0, in);
                Tensors.assertClose(dwRef, dwSerial, 1e-4, 1e-4, "dW");
                Tensors.assertClose(dxRef, dxSerial, 1e-4, 1e-4, "dx");
            }
        } finally {
            Parallel.setThreads(before);
        }
    }
}
