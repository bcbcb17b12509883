using System.Buffers.Binary;
using System.Text;
using Microsoft.ML.Transformer.Serialization;

namespace Microsoft.ML.Transformer.Tests.Serialization;

public class SafeTensorsTests
{
    private static byte[] Sample() => SafeTensors.Write(
        [TensorData.FromSingle("w", [1f, 2f, 3f, 4f, 5f, 6f], 2, 3), TensorData.FromInt32("ids", [7, -8], 2)],
        new Dictionary<string, string> { ["component"] = "Test" });

    [Fact]
    public void RoundTripsNamesDtypesShapesValuesAndMetadata()
    {
        var (tensors, metadata) = SafeTensors.Read(Sample(), "sample");
        Assert.Equal("Test", metadata["component"]);
        TensorData w = tensors.Single(t => t.Name == "w");
        Assert.Equal(TensorDType.F32, w.DType);
        Assert.Equal(new long[] { 2, 3 }, w.Shape);
        Assert.Equal(new[] { 1f, 2f, 3f, 4f, 5f, 6f }, w.ToSingleArray());
        Assert.Equal(new[] { 7, -8 }, tensors.Single(t => t.Name == "ids").ToInt32Array());
    }

    [Fact]
    public void LayoutIsSafetensors()
    {
        byte[] bytes = Sample();
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        Assert.Equal(0UL, headerLength % 8);
        string header = Encoding.UTF8.GetString(bytes, 8, (int)headerLength);
        Assert.Contains("\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}", header);
        Assert.Contains("\"ids\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[24,32]}", header);
        Assert.Equal(8 + (int)headerLength + 32, bytes.Length);
        Assert.Equal(1f, BitConverter.ToSingle(bytes, 8 + (int)headerLength)); // little-endian data follows
    }

    [Fact]
    public void TruncatedDataIsReported()
    {
        byte[] bytes = Sample();
        var error = Assert.Throws<ModelFormatException>(() => SafeTensors.Read(bytes[..^4], "weights"));
        Assert.Contains("weights is corrupt", error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void TooShortOrOversizedHeaderIsReported()
    {
        Assert.Contains("fewer than the 8-byte", Assert.Throws<ModelFormatException>(() => SafeTensors.Read([1, 2, 3], "x")).Message);
        byte[] bytes = Sample();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1_000_000);
        Assert.Contains("header claims", Assert.Throws<ModelFormatException>(() => SafeTensors.Read(bytes, "x")).Message);
    }

    [Fact]
    public void GarbledHeaderIsReported()
    {
        byte[] bytes = Sample();
        bytes[9] = (byte)'#';
        Assert.Contains("not valid JSON", Assert.Throws<ModelFormatException>(() => SafeTensors.Read(bytes, "x")).Message);
    }

    [Fact]
    public void ShapeThatDoesNotMatchTheByteRangeNamesTheTensor()
    {
        byte[] bytes = Sample();
        string text = Encoding.Latin1.GetString(bytes);
        byte[] edited = Encoding.Latin1.GetBytes(text.Replace("\"shape\":[2,3]", "\"shape\":[3,3]"));
        var error = Assert.Throws<ModelFormatException>(() => SafeTensors.Read(edited, "x"));
        Assert.Contains("tensor 'w'", error.Message);
    }

    [Fact]
    public void UnknownDtypeNamesTheTensor()
    {
        string text = Encoding.Latin1.GetString(Sample());
        byte[] edited = Encoding.Latin1.GetBytes(text.Replace("\"I32\"", "\"Q32\""));
        Assert.Contains("tensor 'ids' has unknown dtype 'Q32'", Assert.Throws<ModelFormatException>(() => SafeTensors.Read(edited, "x")).Message);
    }
}
