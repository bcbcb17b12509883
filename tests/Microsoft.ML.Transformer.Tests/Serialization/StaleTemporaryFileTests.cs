namespace Microsoft.ML.Transformer.Tests.Serialization;

/// <summary>
/// A save killed halfway (kill -9, power loss) leaves its hidden temporary file; the next <c>SaveAtomically</c> to the
/// same target removes such leftovers, and only them: a file of exactly its own naming, untouched for minutes and
/// held open by no one. Another save's file in flight, or anyone else's file, stays.
/// </summary>
public class StaleTemporaryFileTests
{
    private static string Leftover(string folder, string target, string id, TimeSpan age)
    {
        string path = Path.Combine(folder, $".{target}.{id}.tmp");
        File.WriteAllBytes(path, [1, 2, 3]);
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    [Fact]
    public void NextSaveRemovesOnlyItsOwnAbandonedFiles()
    {
        string folder = TestPaths.NewTempDirectory();
        string target = Path.Combine(folder, "model.zip");
        string abandoned = Leftover(folder, "model.zip", NewId(), TimeSpan.FromHours(1));
        string inFlight = Leftover(folder, "model.zip", NewId(), TimeSpan.Zero);
        string heldOpen = Leftover(folder, "model.zip", NewId(), TimeSpan.FromHours(1));
        string otherTarget = Leftover(folder, "other.zip", NewId(), TimeSpan.FromHours(1));
        string notOurs = Leftover(folder, "model.zip", "backup", TimeSpan.FromHours(1));

        var ml = new MLContext();
        ITransformer model = ml.Model.Load(Path.Combine(AppContext.BaseDirectory, "Fixtures", "classifier-format1.zip"), out DataViewSchema schema);
        using ((IDisposable)model)
        using (new FileStream(heldOpen, FileMode.Open, FileAccess.ReadWrite, FileShare.None)) // a writer still at work
            ml.Model.SaveAtomically(model, schema, target);

        Assert.False(File.Exists(abandoned));
        Assert.True(File.Exists(inFlight));
        Assert.True(File.Exists(heldOpen));
        Assert.True(File.Exists(otherTarget));
        Assert.True(File.Exists(notOurs));
        Assert.NotNull(ml.Model.Load(target, out _));
    }
}
