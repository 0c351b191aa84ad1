package dev.kindred.data.parquet;

import java.io.IOException;
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
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridDecoder;
import org.apache.parquet.io.ParquetDecodingException;
import org.apache.parquet.io.api.Binary;

/**
 * One flat column of one row group, decoded page by page in a tight loop per page into one
 * array indexed by row: {@code longs} for INT32/INT64 ids and timestamps, {@code floats} for
 * values (any numeric type, converted), {@code binaries} for text ids; {@code nulls} marks null
 * rows (null when the column is required). This is parquet-java's {@code ColumnReaderBase} page
 * handling (levels, then dictionary or plain values) without its per-value calls across four
 * column readers; {@code ParquetInteractionReaderTest} checks it against files written by
 * parquet-java with dictionary and plain pages, several pages per row group and nulls.
 *
 * <p>Memory: 8 bytes per row (4 for values), plus one byte per row for nullable columns.
 */
final class DecodedColumn {

  final long[] longs;
  final float[] floats;
  final Binary[] binaries;
  final boolean[] nulls;

  private DecodedColumn(ParquetColumn column, int rows) {
    boolean asFloat = column.role() == ParquetColumn.Role.VALUE;
    boolean text = column.type() == org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
    longs = asFloat || text ? null : new long[rows];
    floats = asFloat ? new float[rows] : null;
    binaries = text && !asFloat ? new Binary[rows] : null;
    nulls = column.descriptor().getMaxDefinitionLevel() > 0 ? new boolean[rows] : null;
  }

  boolean isNull(int row) {
    return nulls != null && nulls[row];
  }

  /** Decodes the column's pages for a row group of {@code rows} rows. */
  static DecodedColumn decode(PageReader pages, ParquetColumn column, int rows) throws IOException {
    DecodedColumn out = new DecodedColumn(column, rows);
    ColumnDescriptor d = column.descriptor();
    DictionaryPage dictPage = pages.readDictionaryPage();
    Dictionary dictionary = dictPage == null ? null : dictPage.getEncoding().initDictionary(d, dictPage);
    int row = 0;
    for (DataPage page = pages.readPage(); page != null; page = pages.readPage()) {
      row = switch (page) {
        case DataPageV1 v1 -> out.pageV1(v1, column, dictionary, row);
        case DataPageV2 v2 -> out.pageV2(v2, column, dictionary, row);
        default -> throw new ParquetDecodingException("unknown data page " + page.getClass().getName());
      };
    }
    if (row != rows) {
      throw new ParquetDecodingException("column '" + column.name() + "' has " + row + " values in a row group of "
          + rows + " rows");
    }
    return out;
  }

  private int pageV1(DataPageV1 page, ParquetColumn column, Dictionary dictionary, int row) throws IOException {
    ColumnDescriptor d = column.descriptor();
    int count = page.getValueCount();
    ByteBufferInputStream in = page.getBytes().toInputStream();
    // Flat columns: no repetition levels (max 0 reads nothing); definition levels only when nullable.
    page.getRlEncoding().getValuesReader(d, ValuesType.REPETITION_LEVEL).initFromPage(count, in);
    ValuesReader levels = page.getDlEncoding().getValuesReader(d, ValuesType.DEFINITION_LEVEL);
    levels.initFromPage(count, in);
    ValuesReader values = valuesReader(page.getValueEncoding(), d, dictionary);
    values.initFromPage(count, in);
    int max = d.getMaxDefinitionLevel();
    for (int k = 0; k < count; k++, row++) {
      if (max > 0 && levels.readInteger() < max) {
        nulls[row] = true;
      } else {
        read(values, column, row);
      }
    }
    return row;
  }

  private int pageV2(DataPageV2 page, ParquetColumn column, Dictionary dictionary, int row) throws IOException {
    ColumnDescriptor d = column.descriptor();
    int count = page.getValueCount();
    int max = d.getMaxDefinitionLevel();
    RunLengthBitPackingHybridDecoder levels = max == 0 ? null
        : new RunLengthBitPackingHybridDecoder(BytesUtils.getWidthFromMaxInt(max), page.getDefinitionLevels().toInputStream());
    ValuesReader values = valuesReader(page.getDataEncoding(), d, dictionary);
    values.initFromPage(count, page.getData().toInputStream());
    for (int k = 0; k < count; k++, row++) {
      if (levels != null && levels.readInt() < max) {
        nulls[row] = true;
      } else {
        read(values, column, row);
      }
    }
    return row;
  }

  private static ValuesReader valuesReader(Encoding encoding, ColumnDescriptor d, Dictionary dictionary) {
    if (!encoding.usesDictionary()) {
      return encoding.getValuesReader(d, ValuesType.VALUES);
    }
    if (dictionary == null) {
      throw new ParquetDecodingException("column " + d + ": dictionary-encoded page without a dictionary page");
    }
    return encoding.getDictionaryBasedValuesReader(d, ValuesType.VALUES, dictionary);
  }

  private void read(ValuesReader values, ParquetColumn column, int row) {
    switch (column.type()) {
      case INT32 -> {
        int v = values.readInteger();
        if (floats != null) {
          floats[row] = v;
        } else {
          longs[row] = v;
        }
      }
      case INT64 -> {
        long v = values.readLong();
        if (floats != null) {
          floats[row] = v;
        } else {
          longs[row] = v;
        }
      }
      case FLOAT -> floats[row] = values.readFloat();
      case DOUBLE -> floats[row] = (float) values.readDouble();
      default -> binaries[row] = values.readBytes();
    }
  }
}
