namespace Microsoft.ML.Transformer.Tests.Build;

public class ElfVersionPatcherTests
{
    private const string Version = ElfVersionPatcher.DefaultVersionName;

    private static string FreshUnpatchedCopy()
    {
        string source = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        if (!File.Exists(source)) Assert.Skip("needs the linux-x64 libLibTorchSharp.so in the build output");
        string copy = Path.Combine(TestPaths.NewTempDirectory(), "libLibTorchSharp.so");
        File.Copy(source, copy);
        // Undo a patch the build may have applied, to start from the library as shipped.
        byte[] bytes = File.ReadAllBytes(copy);
        long flags = ElfVersionPatcher.FindVernauxFlags(bytes, Version) ?? throw new InvalidOperationException("no requirement");
        bytes[flags] &= unchecked((byte)~0x2);
        File.WriteAllBytes(copy, bytes);
        return copy;
    }

    [Fact]
    public void MarksTheRequirementWeakExactlyOnceAndKeepsTheTimestamp()
    {
        string library = FreshUnpatchedCopy();
        var mtime = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(library, mtime);
        byte[] before = File.ReadAllBytes(library);
        Assert.False(ElfVersionPatcher.IsVersionWeak(library, Version));

        Assert.Equal(PatchResult.Patched, ElfVersionPatcher.MarkVersionWeak(library, Version));
        Assert.True(ElfVersionPatcher.IsVersionWeak(library, Version));
        Assert.Equal(mtime, File.GetLastWriteTimeUtc(library));
        byte[] after = File.ReadAllBytes(library);
        int[] changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
        Assert.Single(changed); // one flag bit in one byte

        Assert.Equal(PatchResult.AlreadyWeak, ElfVersionPatcher.MarkVersionWeak(library, Version));
        Assert.Equal(after, File.ReadAllBytes(library));
    }

    [Fact]
    public void LeavesLibrariesWithoutTheRequirementAlone()
    {
        string library = FreshUnpatchedCopy();
        Assert.Equal(PatchResult.NoSuchRequirement, ElfVersionPatcher.MarkVersionWeak(library, "GLIBCXX_9.9.99"));
    }

    [Fact]
    public void RejectsFilesThatAreNotElfOrAreTruncated()
    {
        string dir = TestPaths.NewTempDirectory();
        string text = Path.Combine(dir, "not-elf.so");
        File.WriteAllText(text, "definitely not an ELF file, but long enough to have a header.............");
        Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.MarkVersionWeak(text, Version));

        string truncated = Path.Combine(dir, "truncated.so");
        byte[] head = File.ReadAllBytes(FreshUnpatchedCopy()).AsSpan(0, 4096).ToArray();
        File.WriteAllBytes(truncated, head);
        var error = Assert.Throws<InvalidDataException>(() => ElfVersionPatcher.MarkVersionWeak(truncated, Version));
        Assert.Contains("truncated", error.Message);
    }
}
