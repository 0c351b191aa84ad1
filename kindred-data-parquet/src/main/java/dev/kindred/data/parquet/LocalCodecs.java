package dev.kindred.data.parquet;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Page compression without Hadoop: parquet-java's own codec factory builds a Hadoop
 * {@code Configuration} for every compressed codec, which needs the 30 MB hadoop-client-runtime
 * jar; this one calls the codec libraries parquet-hadoop already depends on. Supported:
 * UNCOMPRESSED, SNAPPY (snappy-java, raw blocks as Parquet stores them), ZSTD (zstd-jni,
 * level {@value #ZSTD_LEVEL}) and GZIP (the JDK). Anything else fails with a message naming the
 * codec. Stateless and thread-safe.
 */
final class LocalCodecs implements CompressionCodecFactory {

  static final LocalCodecs INSTANCE = new LocalCodecs();
  private static final int ZSTD_LEVEL = 3;

  private LocalCodecs() {}

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    check(codec);
    return new BytesInputCompressor() {
      @Override
      public BytesInput compress(BytesInput bytes) throws IOException {
        return codec == CompressionCodecName.UNCOMPRESSED ? bytes : BytesInput.from(LocalCodecs.compress(codec, bytes.toByteArray()));
      }

      @Override
      public CompressionCodecName getCodecName() {
        return codec;
      }

      @Override
      public void release() {}
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    check(codec);
    return new BytesInputDecompressor() {
      @Override
      public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
        return codec == CompressionCodecName.UNCOMPRESSED ? bytes
            : BytesInput.from(LocalCodecs.decompress(codec, bytes.toByteArray(), uncompressedSize));
      }

      @Override
      public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
          throws IOException {
        byte[] in = new byte[compressedSize];
        input.get(in);
        output.put(codec == CompressionCodecName.UNCOMPRESSED ? in : LocalCodecs.decompress(codec, in, uncompressedSize));
      }

      @Override
      public void release() {}
    };
  }

  @Override
  public void release() {}

  private static void check(CompressionCodecName codec) {
    switch (codec) {
      case UNCOMPRESSED, SNAPPY, ZSTD, GZIP -> { }
      default -> throw new UnsupportedOperationException("Parquet page compression " + codec
          + " is not supported without Hadoop; use files compressed with SNAPPY, ZSTD, GZIP or none");
    }
  }

  private static byte[] compress(CompressionCodecName codec, byte[] in) throws IOException {
    return switch (codec) {
      case SNAPPY -> Snappy.compress(in);
      case ZSTD -> Zstd.compress(in, ZSTD_LEVEL);
      default -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 2 + 64);
        try (OutputStream gz = new GZIPOutputStream(out)) {
          gz.write(in);
        }
        yield out.toByteArray();
      }
    };
  }

  private static byte[] decompress(CompressionCodecName codec, byte[] in, int size) throws IOException {
    byte[] out = switch (codec) {
      case SNAPPY -> Snappy.uncompress(in);
      case ZSTD -> Zstd.decompress(in, size);
      default -> {
        try (InputStream gz = new GZIPInputStream(new java.io.ByteArrayInputStream(in))) {
          yield gz.readAllBytes();
        }
      }
    };
    if (out.length != size) {
      throw new IOException(codec + " page decompressed to " + out.length + " bytes, the page header says " + size);
    }
    return out;
  }
}
