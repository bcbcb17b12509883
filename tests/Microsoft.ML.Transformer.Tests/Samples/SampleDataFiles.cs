using System.IO.Compression;
using System.Text;

namespace Microsoft.ML.Transformer.Tests.Samples;

/// <summary>Small generated data files for the samples' readers, in a temporary folder.</summary>
internal sealed class SampleDataFiles : IDisposable
{
    public string Directory { get; } = TestPaths.NewTempDirectory();

    public string Write(string name, string text)
    {
        string path = System.IO.Path.Combine(Directory, name);
        using Stream file = File.Create(path);
        using Stream data = name.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        data.Write(Encoding.UTF8.GetBytes(text));
        return path;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
