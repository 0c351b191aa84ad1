package dev.kindred.data.parquet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.bytes.ByteBufferInputStream;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Dictionary;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.ValuesType;
import org.apache.parquet.column.page.DataPage;
import org.apache.parquet.column.page.DataPageV1;
import org.apache.parquet.column.page.DataPageV2;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.page.PageReader;
import org.apache.parquet.column.values.ValuesReader;
import org.apache.parquet.column.values.bitpacking.BytePacker;
import org.apache.parquet.column.values.bitpacking.Packer;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * One flat column of one row group, decoded into one array indexed by row: {@code longs} for
 * INT32/INT64 ids and timestamps, {@code floats} for values (any numeric type, converted),
 * {@code binaries} for text ids, or, when an {@link IdNumbering} is given, {@code locals}: each
 * row's id numbered in order of first appearance; {@code nulls} marks null rows (allocated at the
 * first null).
 *
 * <p>Two paths give the same arrays ({@code ParquetInteractionReaderTest} checks files written by
 * parquet-java with dictionary and plain pages, V1 and V2 pages, several pages per row group and
 * nulls):
 * <ol>
 *   <li>bulk, for pages without nulls in PLAIN or dictionary encoding (what parquet-java and Spark
 *       write by default): dictionary indices are unpacked 32 at a time by parquet-java's
 *       {@link BytePacker} into an int array, then mapped through the dictionary held as a
 *       primitive array; an id column numbers each dictionary entry once, at its first row, and a
 *       row's number is then one array load; plain INT64 and FLOAT pages are copied in bulk;
 *   <li>per value, through parquet-java's {@link ValuesReader}s, for everything else (nulls, other
 *       encodings): its {@code ColumnReaderBase} page handling (levels, then values).
 * </ol>
 *
 * <p>Memory: 8 bytes per row ({@code longs}) or 4 ({@code floats}, {@code locals}), one page's
 * dictionary indices, and the dictionary.
 */
final class DecodedColumn {

  /** Numbers the ids of one column in order of first appearance (a {@link dev.kindred.data.RowBatch}'s users or items). */
  interface IdNumbering {
    int of(long id);

    int ofUtf8(byte[] utf8, int from, int to);
  }

  final long[] longs;
  final float[] floats;
  final Binary[] binaries;
  final int[] locals;
  boolean[] nulls;

  private final ParquetColumn column;
  private final PrimitiveTypeName type;
  private final IdNumbering ids;
  private final int rows;
  private Dictionary dictionary;
  /** The dictionary as primitives, by what the column decodes to; built on the first dictionary page. */
  private long[] dictLongs;
  private float[] dictFloats;
  /** Per dictionary entry, its id's number, or -1 before its first row (id columns with numbering). */
  private int[] dictLocal;
  private int[] indices = new int[0];

  private DecodedColumn(ParquetColumn column, int rows, IdNumbering ids) {
    this.column = column;
    this.type = column.type();
    this.ids = ids;
    this.rows = rows;
    boolean asFloat = column.role() == ParquetColumn.Role.VALUE;
    boolean text = type == PrimitiveTypeName.BINARY;
    locals = ids != null ? new int[rows] : null;
    longs = asFloat || text || ids != null ? null : new long[rows];
    floats = asFloat ? new float[rows] : null;
    binaries = text && ids == null ? new Binary[rows] : null;
  }

  boolean isNull(int row) {
    return nulls != null && nulls[row];
  }

  /** True when some row is null, or (value columns) not a finite number. */
  boolean hasInvalidRows() {
    if (nulls != null) {
      return true;
    }
    if (floats != null) {
      for (float v : floats) {
        if (!Float.isFinite(v)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Decodes the column's pages for a row group of {@code rows} rows; with {@code ids} (id columns
   * only) the ids are numbered into {@link #locals} instead of kept.
   */
  static DecodedColumn decode(PageReader pages, ParquetColumn column, int rows, IdNumbering ids) throws IOException {
    DecodedColumn out = new DecodedColumn(column, rows, ids);
    ColumnDescriptor d = column.descriptor();
    DictionaryPage dictPage = pages.readDictionaryPage();
    if (dictPage != null) {
      out.dictionary = dictPage.getEncoding().initDictionary(d, dictPage);
    }
    int row = 0;
    for (DataPage page = pages.readPage(); page != null; page = pages.readPage()) {
      if (row + page.getValueCount() > rows) {
        throw new ParquetDecodingException("column '" + column.name() + "' has more than " + rows
            + " values in a row group of " + rows + " rows");
      }
      row = switch (page) {
        case DataPageV1 v1 -> out.pageV1(v1, row);
        case DataPageV2 v2 -> out.pageV2(v2, row);
        default -> throw new ParquetDecodingException("unknown data page " + page.getClass().getName());
      };
    }
    if (row != rows) {
      throw new ParquetDecodingException("column '" + column.name() + "' has " + row + " values in a row group of "
          + rows + " rows");
    }
    return out;
  }

  private int pageV1(DataPageV1 page, int row) throws IOException {
    int count = page.getValueCount();
    int max = column.descriptor().getMaxDefinitionLevel();
    ByteBuffer buf = page.getBytes().toByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
    int valuesAt = 0;
    if (max > 0) {
      // RLE levels are stored behind their byte length; all at the maximum means no nulls.
      if (page.getDlEncoding() != Encoding.RLE || !allDefined(buf.slice(4, buf.getInt(0)), max, count)) {
        return genericV1(page, row);
      }
      valuesAt = 4 + buf.getInt(0);
    }
    return bulk(page.getValueEncoding(), buf.slice(valuesAt, buf.limit() - valuesAt).order(ByteOrder.LITTLE_ENDIAN),
        count, row) ? row + count : genericV1(page, row);
  }

  private int pageV2(DataPageV2 page, int row) throws IOException {
    int count = page.getValueCount();
    int max = column.descriptor().getMaxDefinitionLevel();
    if (max > 0 && (page.getNullCount() > 0
        || !allDefined(page.getDefinitionLevels().toByteBuffer().slice(), max, count))) {
      return genericV2(page, row);
    }
    ByteBuffer data = page.getData().toByteBuffer().slice().order(ByteOrder.LITTLE_ENDIAN);
    return bulk(page.getDataEncoding(), data, count, row) ? row + count : genericV2(page, row);
  }

  /** Whether RLE/bit-packed definition levels are all {@code max}. */
  private boolean allDefined(ByteBuffer levels, int max, int count) {
    int[] lv = scratch(count);
    Hybrid.decode(levels, BytesUtils.getWidthFromMaxInt(max), lv, count);
    for (int k = 0; k < count; k++) {
      if (lv[k] != max) {
        return false;
      }
    }
    return true;
  }

  private int[] scratch(int count) {
    if (indices.length < count + 32) {
      indices = new int[count + 32];
    }
    return indices;
  }

  // --- bulk path --------------------------------------------------------------------------------

  /** Decodes {@code count} non-null values at {@code row}; false when the encoding needs the generic path. */
  private boolean bulk(Encoding encoding, ByteBuffer data, int count, int row) throws IOException {
    if (encoding == Encoding.PLAIN_DICTIONARY || encoding == Encoding.RLE_DICTIONARY) {
      if (dictionary == null) {
        throw new ParquetDecodingException("column " + column.descriptor() + ": dictionary-encoded page without a"
            + " dictionary page");
      }
      int[] idx = scratch(count);
      Hybrid.decode(data.slice(1, data.limit() - 1), data.get(0), idx, count);
      fromDictionary(idx, count, row);
      return true;
    }
    if (encoding != Encoding.PLAIN) {
      return false;
    }
    switch (type) {
      case INT64 -> plainInt64(data, count, row);
      case INT32 -> plainInt32(data, count, row);
      case FLOAT -> data.asFloatBuffer().get(floats, row, count);
      case DOUBLE -> {
        for (int k = 0; k < count; k++) {
          floats[row + k] = (float) data.getDouble(8 * k);
        }
      }
      case BINARY -> plainBinary(data, count, row);
      default -> {
        return false;
      }
    }
    return true;
  }

  private void plainInt64(ByteBuffer data, int count, int row) {
    if (locals != null) {
      for (int k = 0; k < count; k++) {
        locals[row + k] = ids.of(data.getLong(8 * k));
      }
    } else if (longs != null) {
      data.asLongBuffer().get(longs, row, count);
    } else {
      for (int k = 0; k < count; k++) {
        floats[row + k] = data.getLong(8 * k);
      }
    }
  }

  private void plainInt32(ByteBuffer data, int count, int row) {
    for (int k = 0; k < count; k++) {
      int v = data.getInt(4 * k);
      if (locals != null) {
        locals[row + k] = ids.of(v);
      } else if (longs != null) {
        longs[row + k] = v;
      } else {
        floats[row + k] = v;
      }
    }
  }

  /** Plain byte arrays: a 4-byte little-endian length, then the bytes. */
  private void plainBinary(ByteBuffer data, int count, int row) throws IOException {
    byte[] b;
    int base;
    if (data.hasArray()) {
      b = data.array();
      base = data.arrayOffset() + data.position();
    } else {
      b = new byte[data.remaining()];
      data.get(data.position(), b);
      base = 0;
    }
    int p = base;
    for (int k = 0; k < count; k++) {
      int len = (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
      p += 4;
      if (locals != null) {
        locals[row + k] = ids.ofUtf8(b, p, p + len);
      } else {
        binaries[row + k] = Binary.fromConstantByteArray(b, p, len);
      }
      p += len;
    }
  }

  private void fromDictionary(int[] idx, int count, int row) {
    int size = dictionary.getMaxId() + 1;
    for (int k = 0; k < count; k++) {
      if (idx[k] < 0 || idx[k] >= size) {
        throw new ParquetDecodingException("column '" + column.name() + "': dictionary index " + idx[k]
            + " outside the dictionary of " + size);
      }
    }
    if (locals != null) {
      if (dictLocal == null) {
        dictLocal = new int[size];
        java.util.Arrays.fill(dictLocal, -1);
      }
      for (int k = 0; k < count; k++) {
        int e = idx[k];
        int x = dictLocal[e];
        locals[row + k] = x >= 0 ? x : (dictLocal[e] = numberEntry(e));
      }
    } else if (floats != null) {
      float[] f = dictFloats != null ? dictFloats : (dictFloats = floatDictionary(size));
      for (int k = 0; k < count; k++) {
        floats[row + k] = f[idx[k]];
      }
    } else if (longs != null) {
      long[] l = dictLongs != null ? dictLongs : (dictLongs = longDictionary(size));
      for (int k = 0; k < count; k++) {
        longs[row + k] = l[idx[k]];
      }
    } else {
      for (int k = 0; k < count; k++) {
        binaries[row + k] = dictionary.decodeToBinary(idx[k]);
      }
    }
  }

  private int numberEntry(int e) {
    return switch (type) {
      case INT32 -> ids.of(dictionary.decodeToInt(e));
      case INT64 -> ids.of(dictionary.decodeToLong(e));
      default -> {
        byte[] b = dictionary.decodeToBinary(e).getBytesUnsafe();
        yield ids.ofUtf8(b, 0, b.length);
      }
    };
  }

  private long[] longDictionary(int size) {
    long[] l = new long[size];
    for (int e = 0; e < size; e++) {
      l[e] = type == PrimitiveTypeName.INT32 ? dictionary.decodeToInt(e) : dictionary.decodeToLong(e);
    }
    return l;
  }

  private float[] floatDictionary(int size) {
    float[] f = new float[size];
    for (int e = 0; e < size; e++) {
      f[e] = switch (type) {
        case INT32 -> dictionary.decodeToInt(e);
        case INT64 -> dictionary.decodeToLong(e);
        case FLOAT -> dictionary.decodeToFloat(e);
        default -> (float) dictionary.decodeToDouble(e);
      };
    }
    return f;
  }

  // --- generic path -----------------------------------------------------------------------------

  private int genericV1(DataPageV1 page, int row) throws IOException {
    ColumnDescriptor d = column.descriptor();
    int count = page.getValueCount();
    ByteBufferInputStream in = page.getBytes().toInputStream();
    // Flat columns: no repetition levels (max 0 reads nothing); definition levels only when nullable.
    page.getRlEncoding().getValuesReader(d, ValuesType.REPETITION_LEVEL).initFromPage(count, in);
    ValuesReader levels = page.getDlEncoding().getValuesReader(d, ValuesType.DEFINITION_LEVEL);
    levels.initFromPage(count, in);
    ValuesReader values = valuesReader(page.getValueEncoding());
    values.initFromPage(count, in);
    int max = d.getMaxDefinitionLevel();
    for (int k = 0; k < count; k++, row++) {
      if (max > 0 && levels.readInteger() < max) {
        markNull(row);
      } else {
        read(values, row);
      }
    }
    return row;
  }

  private int genericV2(DataPageV2 page, int row) throws IOException {
    ColumnDescriptor d = column.descriptor();
    int count = page.getValueCount();
    int max = d.getMaxDefinitionLevel();
    RunLengthBitPackingHybridDecoder levels = max == 0 ? null
        : new RunLengthBitPackingHybridDecoder(BytesUtils.getWidthFromMaxInt(max), page.getDefinitionLevels().toInputStream());
    ValuesReader values = valuesReader(page.getDataEncoding());
    values.initFromPage(count, page.getData().toInputStream());
    for (int k = 0; k < count; k++, row++) {
      if (levels != null && levels.readInt() < max) {
        markNull(row);
      } else {
        read(values, row);
      }
    }
    return row;
  }

  private void markNull(int row) {
    if (nulls == null) {
      nulls = new boolean[rows];
    }
    nulls[row] = true;
  }

  private ValuesReader valuesReader(Encoding encoding) {
    ColumnDescriptor d = column.descriptor();
    if (!encoding.usesDictionary()) {
      return encoding.getValuesReader(d, ValuesType.VALUES);
    }
    if (dictionary == null) {
      throw new ParquetDecodingException("column " + d + ": dictionary-encoded page without a dictionary page");
    }
    return encoding.getDictionaryBasedValuesReader(d, ValuesType.VALUES, dictionary);
  }

  private void read(ValuesReader values, int row) {
    switch (type) {
      case INT32 -> {
        int v = values.readInteger();
        if (locals != null) {
          locals[row] = ids.of(v);
        } else if (floats != null) {
          floats[row] = v;
        } else {
          longs[row] = v;
        }
      }
      case INT64 -> {
        long v = values.readLong();
        if (locals != null) {
          locals[row] = ids.of(v);
        } else if (floats != null) {
          floats[row] = v;
        } else {
          longs[row] = v;
        }
      }
      case FLOAT -> floats[row] = values.readFloat();
      case DOUBLE -> floats[row] = (float) values.readDouble();
      default -> {
        Binary v = values.readBytes();
        if (locals != null) {
          byte[] b = v.getBytesUnsafe();
          locals[row] = ids.ofUtf8(b, 0, b.length);
        } else {
          binaries[row] = v;
        }
      }
    }
  }

  /**
   * Parquet's RLE / bit-packing hybrid of small unsigned ints (dictionary indices, levels):
   * runs headed by a varint, {@code header >>> 1} repeats of one little-endian value when the low
   * bit is 0, else {@code header >>> 1} groups of 8 bit-packed values.
   */
  static final class Hybrid {
    private Hybrid() {}

    /** Decodes {@code count} values into {@code out} (which must have 32 spare slots: a last group may be padded). */
    static void decode(ByteBuffer in, int bitWidth, int[] out, int count) {
      if (bitWidth < 0 || bitWidth > 32) {
        throw new ParquetDecodingException("bit width " + bitWidth + " outside 0..32");
      }
      BytePacker packer = Packer.LITTLE_ENDIAN.newBytePacker(bitWidth);
      int valueBytes = (bitWidth + 7) / 8;
      int p = 0;
      int n = 0;
      while (n < count) {
        int header = 0;
        int shift = 0;
        int b;
        do {
          b = in.get(p++);
          header |= (b & 0x7f) << shift;
          shift += 7;
        } while ((b & 0x80) != 0);
        if ((header & 1) == 0) {
          int run = Math.min(header >>> 1, count - n);
          int v = 0;
          for (int k = 0; k < valueBytes; k++) {
            v |= (in.get(p++) & 0xff) << (8 * k);
          }
          java.util.Arrays.fill(out, n, n + run, v);
          n += run;
        } else {
          int groups = header >>> 1;
          for (int g = 0; g < groups && n < count; ) {
            if (groups - g >= 4 && p + 4 * bitWidth <= in.limit()) {
              packer.unpack32Values(in, p, out, n);
              p += 4 * bitWidth;
              n += 32;
              g += 4;
            } else {
              packer.unpack8Values(in, p, out, n);
              p += bitWidth;
              n += 8;
              g++;
            }
          }
        }
      }
    }
  }
}
