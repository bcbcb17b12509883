using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Microsoft.ML.Transformer.Tests.Serialization;

/// <summary>Edits inside a saved model zip, as a damaged disk or a hand edit would make them; the zip itself stays valid
/// (its checksums are rewritten), so only the library's own checks can notice.</summary>
internal static class ModelZip
{
    /// <summary>Replaces the entry whose name ends with <paramref name="entrySuffix"/> by <paramref name="edit"/> of its bytes.</summary>
    public static void EditEntry(string zipPath, string entrySuffix, Func<byte[], byte[]> edit)
    {
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        ZipArchiveEntry entry = zip.Entries.Single(e => e.FullName.EndsWith(entrySuffix, StringComparison.Ordinal));
        byte[] content;
        using (var read = entry.Open())
        using (var copy = new MemoryStream())
        {
            read.CopyTo(copy);
            content = copy.ToArray();
        }
        string name = entry.FullName;
        entry.Delete();
        using var write = zip.CreateEntry(name).Open();
        write.Write(edit(content));
    }

    /// <summary>Text replacement in config.json; fails when <paramref name="from"/> does not occur.</summary>
    public static void EditConfig(string zipPath, string from, string to)
        => EditEntry(zipPath, "config.json", bytes =>
        {
            string text = Encoding.UTF8.GetString(bytes);
            Assert.Contains(from, text);
            return Encoding.UTF8.GetBytes(text.Replace(from, to));
        });

    /// <summary>Drops the recorded content hash, as in a file written before the hash existed.</summary>
    public static void RemoveContentHash(string zipPath)
        => EditEntry(zipPath, "config.json", bytes =>
        {
            string[] lines = Encoding.UTF8.GetString(bytes).Split('\n');
            Assert.Contains(lines, l => l.Contains("\"contentHash\"", StringComparison.Ordinal));
            return Encoding.UTF8.GetBytes(string.Join('\n', lines.Where(l => !l.Contains("\"contentHash\"", StringComparison.Ordinal))));
        });

    /// <summary>Lets <paramref name="edit"/> change the data bytes of one tensor of tensors.safetensors in place.</summary>
    public static void EditTensor(string zipPath, string tensorName, Action<Span<byte>> edit)
        => EditEntry(zipPath, "tensors.safetensors", bytes =>
        {
            int headerLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(bytes));
            using JsonDocument header = JsonDocument.Parse(bytes.AsMemory(8, headerLength));
            JsonElement offsets = header.RootElement.GetProperty(tensorName).GetProperty("data_offsets");
            int begin = 8 + headerLength + offsets[0].GetInt32(), end = 8 + headerLength + offsets[1].GetInt32();
            edit(bytes.AsSpan(begin, end - begin));
            return bytes;
        });

    /// <summary>A copy of a committed fixture (Fixtures/), to edit.</summary>
    public static string CopyOfFixture(string name)
    {
        string copy = Path.Combine(TestPaths.NewTempDirectory(), name);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", name), copy);
        return copy;
    }
}
