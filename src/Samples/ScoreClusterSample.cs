using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Transformer;
using Microsoft.ML.Transformer.Orleans.Cluster;
using Microsoft.ML.Transformer.Orleans.LocalCluster;
using Microsoft.ML.Transformer.Orleans.Scoring;
using Microsoft.ML.Transformer.Orleans.Shards;

namespace Samples;

/// <summary>
/// Batch scoring on an Orleans cluster of silo processes on this machine (Redis membership; --localhost for Orleans'
/// localhost clustering): scores a folder of shards with a model zip, optionally kills one silo mid-job (--kill-one: the
/// one that hosts the job's coordinator), checks by row id that every row was scored exactly once, scores the same
/// shards in this process with the same scorer for the single-process rate, and ends with one JSON line. With --data in
/// place of --model and --input it first trains a small classifier on a slice of DIR/train.tsv.gz and cuts
/// DIR/test.tsv.gz into Parquet shards with an id column.
/// </summary>
internal static class ScoreClusterSample
{
    public static int Run(ILookup<string, string> args)
    {
        int silos = args.Int("silos") ?? 3;
        bool killOne = args.Flag("kill-one");
        if (silos < 1 || (killOne && silos < 2)) throw new ArgumentException("--silos must be at least 1, and at least 2 with --kill-one.");
        if (args.Int("repeat") is < 1 || (args.Int("repeat") > 1 && killOne)) throw new ArgumentException("--repeat must be at least 1, and 1 with --kill-one.");
        string? keep = args.Value("work");   // kept afterwards: model.zip and shards/ for runs with --model and --input
        string work = keep ?? Path.Combine(Path.GetTempPath(), "score-cluster-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        try
        {
            var (model, input) = args.Value("data") is { } data ? Prepare(data, work, args) : (Required(args, "model"), Required(args, "input"));
            string output = args.Value("output") ?? Path.Combine(work, "scored");
            int threads = args.Int("threads-per-silo") ?? Math.Max(1, Environment.ProcessorCount / silos);
            return Score(model, input, output, silos, threads, killOne, !args.Flag("localhost"), work, args).GetAwaiter().GetResult();
        }
        finally
        {
            try { if (keep is null) Directory.Delete(work, recursive: true); }
            catch (IOException) { }
        }
    }

    private static async Task<int> Score(string model, string input, string output, int silos, int threads, bool killOne, bool redis, string work,
        ILookup<string, string> args)
    {
        var spec = new ScoringJobSpec { ModelPath = Path.GetFullPath(model), InputDirectory = Path.GetFullPath(input), OutputDirectory = Path.GetFullPath(output), TorchThreads = threads };
        Console.WriteLine($"Starting {silos} silo processes ({(redis ? "Redis membership" : "localhost clustering")}, {threads} libtorch threads each)...");
        var startClock = Stopwatch.StartNew();
        await using LocalScoringCluster cluster = await LocalScoringCluster.StartAsync(new LocalScoringClusterOptions
        {
            SiloHostPath = args.Value("silo-host") ?? SiloHostPath(), Silos = silos, UseRedis = redis,
        });
        TimeSpan startTime = startClock.Elapsed;
        Console.WriteLine($"Cluster up in {startTime.TotalSeconds:F1} s.");

        // --repeat N: the job and the single-process pass N times, alternating, into fresh outputs. The first job is the
        // cold one (a fresh cluster compiles and warms its scoring path, as every fresh single process does): seconds and
        // rows_per_second are its; later jobs run on warm silos (rows_per_second_runs). The single process is always
        // fresh: the median of its passes.
        int repeat = args.Int("repeat") ?? 1;
        double firstJobSeconds = 0;
        var jobRates = new List<double>();
        var singleRates = new List<double>();
        (long Rows, long Missing, long Duplicates) check = default;
        ScoringJobProgress? worst = null;   // the run with the most failed shards (the first, when none failed)
        int killed = 0;
        for (int run = 0; run < repeat; run++)
        {
            string runOutput = run == 0 ? output : Path.Combine(work, $"scored-repeat{run}");
            if (run > 0 && Directory.Exists(runOutput)) Directory.Delete(runOutput, recursive: true);   // a kept --work folder's last repeats
            long rowsBefore = await OutputRows(runOutput);   // a re-run into the same output scores only what is missing
            ScoringJobSpec runSpec = spec with { OutputDirectory = Path.GetFullPath(runOutput) };
            if (run > 0)
            {
                // a worker keeps the model it loaded for the next job with the same path: a copy under a new path makes
                // every repeat load it again, as every single-process pass does
                string copy = Path.Combine(Path.GetFullPath(work), $"model-repeat{run}.zip");
                File.Copy(spec.ModelPath, copy, overwrite: true);
                runSpec = runSpec with { ModelPath = copy };
            }
            (ScoringJobProgress runDone, TimeSpan elapsed, bool runKilled) = await RunJob(cluster, runSpec, killOne, args);
            if (runKilled) killed++;
            var runCheck = await CheckRowIds(input, runOutput);
            long scored = await OutputRows(runOutput) - rowsBefore;   // not runDone.Rows: a coordinator that restarted counts from then
            Console.WriteLine($"Scored {scored:N0} rows in {elapsed.TotalSeconds:F1} s; {runCheck.Missing} missing, {runCheck.Duplicates} duplicated; " +
                              $"{runDone.Failures.Count} shards failed{string.Concat(runDone.Failures.Select(f => $"\n  {f.Shard}: {f.Error}"))}");
            double singleRate = SingleProcessRate(spec, Path.Combine(work, $"single-process{run}"));
            Console.WriteLine($"Single process (fresh, same scorer): {singleRate:N0} rows/s.");
            if (run == 0 || runCheck.Missing + runCheck.Duplicates > check.Missing + check.Duplicates) check = runCheck;
            if (worst is null || runDone.Failures.Count > worst.Failures.Count) worst = runDone;
            if (run == 0) firstJobSeconds = elapsed.TotalSeconds;
            jobRates.Add(scored / elapsed.TotalSeconds);
            singleRates.Add(singleRate);
        }
        var (rows, missing, duplicates) = check;
        ScoringJobProgress done = worst!;

        var json = new Dictionary<string, object?>
        {
            ["sample"] = "score-cluster",
            ["rows"] = rows,
            ["shards"] = done.ShardsTotal,
            ["silos"] = silos,
            ["silos_killed"] = killed,
            ["membership"] = redis ? "redis" : "localhost",
            ["torch_threads_per_silo"] = threads,
            ["shards_failed"] = done.Failures.Count,
            ["shards_skipped"] = done.ShardsSkipped,
            ["missing_rows"] = missing,
            ["duplicate_rows"] = duplicates,
            ["seconds"] = Math.Round(firstJobSeconds, 2),
            ["cluster_start_seconds"] = Math.Round(startTime.TotalSeconds, 1),
            ["rows_per_second"] = Math.Round(jobRates[0]),
            ["single_process_rows_per_second"] = Math.Round(Median(singleRates)),
            ["repeats"] = repeat,
            ["rows_per_second_runs"] = jobRates.Select(r => Math.Round(r)).ToArray(),
            ["single_process_rows_per_second_runs"] = singleRates.Select(r => Math.Round(r)).ToArray(),
        };
        Console.WriteLine(JsonSerializer.Serialize(json));
        return missing == 0 && duplicates == 0 && done.Failures.Count == 0 ? 0 : 1;
    }

    /// <summary>One scoring job on the running cluster, with progress lines; with <paramref name="killOne"/>, kills the
    /// silo that hosts the job's coordinator once a quarter of the shards are done. Returns the job's end state, its
    /// duration and whether a silo was killed.</summary>
    private static async Task<(ScoringJobProgress Done, TimeSpan Elapsed, bool Killed)> RunJob(LocalScoringCluster cluster, ScoringJobSpec spec, bool killOne,
        ILookup<string, string> args)
    {
        string jobId = Guid.NewGuid().ToString("N");
        Task? kill = null;
        DateTime lastLine = DateTime.MinValue;
        var progress = new Progress(p =>
        {
            if (DateTime.UtcNow - lastLine > TimeSpan.FromSeconds(1) || p.State != ScoringJobState.Running)
            {
                Console.WriteLine(p);
                lastLine = DateTime.UtcNow;
            }
            if (!killOne || kill is not null || p.ShardsDone - p.ShardsSkipped < Math.Max(1, (p.ShardsTotal - p.ShardsSkipped) / 4)) return;
            kill = Task.Run(async () =>
            {
                int silo = await cluster.CoordinatorSiloAsync(jobId) ?? 0;
                cluster.KillSilo(silo);
                Console.WriteLine($"Killed silo {silo} (process {cluster.Silos[silo].Id}), the one hosting the job's coordinator.");
            });
        });
        var clock = Stopwatch.StartNew();
        ScoringJobProgress done;
        try { done = await cluster.RunAsync(spec, jobId, progress); }
        catch (ScoringJobException)
        {
            foreach (ChildProcess silo in cluster.Silos) Console.Error.WriteLine($"--- {silo.Name} (process {silo.Id}) last wrote:\n{silo.LastOutput}");
            throw;
        }
        clock.Stop();
        if (kill is not null) await kill;
        if (args.Flag("silo-log"))
            foreach (ChildProcess silo in cluster.Silos) Console.WriteLine($"--- {silo.Name} (process {silo.Id}) last wrote:\n{silo.LastOutput}");
        return (done, clock.Elapsed, kill is not null);
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static async Task<long> OutputRows(string output)
    {
        long rows = 0;
        if (Directory.Exists(output))
            foreach (string shard in ShardFormats.List(output)) rows += (await ShardFiles.ReadAsync(shard)).RowCount;
        return rows;
    }

    /// <summary>Input rows, and how many input ids no output has and how many output rows repeat an id (the column
    /// named "id"; without one, row counts per shard stand in for ids).</summary>
    private static async Task<(long Rows, long Missing, long Duplicates)> CheckRowIds(string input, string output)
    {
        var seen = new Dictionary<string, int>();
        long rows = 0, missing = 0, outputRows = 0;
        foreach (string shard in ShardFormats.List(output))
        {
            ShardTable table = await ShardFiles.ReadAsync(shard);
            outputRows += table.RowCount;
            if (table.Find("id") is { } ids)
                foreach (object? id in ids.Values) seen[id!.ToString()!] = seen.GetValueOrDefault(id.ToString()!) + 1;
        }
        foreach (string shard in ShardFormats.List(input))
        {
            ShardTable table = await ShardFiles.ReadAsync(shard);
            rows += table.RowCount;
            if (table.Find("id") is { } ids) missing += ids.Values.Cast<object>().Count(id => !seen.ContainsKey(id.ToString()!));
        }
        if (seen.Count == 0) return (rows, Math.Max(0, rows - outputRows), Math.Max(0, outputRows - rows));
        return (rows, missing, seen.Values.Sum(n => n - 1L));
    }

    /// <summary>The same shards through the same scorer (the model's plain block Transform, read and write included)
    /// in a fresh process of this sample (<see cref="RunSingleProcess"/>), with every core: the rate the cluster is
    /// measured against. Fresh, and with the silo host's JIT setting (tiering off), so that both start equally cold.</summary>
    private static double SingleProcessRate(ScoringJobSpec spec, string output)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
        };
        foreach (string arg in (string[])[typeof(ScoreClusterSample).Assembly.Location, "score-shards", "--model", spec.ModelPath,
                                          "--input", spec.InputDirectory, "--output", output])
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_TieredCompilation"] = "0";
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("the single-process run did not start.");
        string last = process.StandardOutput.ReadToEnd().Trim().Split('\n')[^1];
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"the single-process run failed ({process.ExitCode}): {last}");
        using var json = JsonDocument.Parse(last);
        return json.RootElement.GetProperty("rows_per_second").GetDouble();
    }

    /// <summary><c>score-shards --model M --input DIR --output DIR</c>: every shard of DIR through <see cref="ShardScorer"/>
    /// in this process, with every core; the model's load counts, as it does on a silo. Ends with a JSON line.</summary>
    public static int RunSingleProcess(ILookup<string, string> args)
    {
        string output = Required(args, "output");
        Directory.CreateDirectory(output);
        var clock = Stopwatch.StartNew();
        using ShardScorer scorer = ShardScorer.Load(Required(args, "model"), Environment.ProcessorCount);
        long rows = 0;
        foreach (string shard in ShardFormats.List(Required(args, "input")))
        {
            try { rows += scorer.Score(shard, Path.Combine(output, Path.GetFileName(shard))).Rows; }
            catch (Exception e) when (e is InvalidDataException or IOException) { }   // a corrupt shard: the cluster reported it
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine(JsonSerializer.Serialize(new { sample = "score-shards", rows, seconds = Math.Round(seconds, 2), rows_per_second = Math.Round(rows / seconds) }));
        return 0;
    }

    /// <summary>Trains a small classifier on a slice of the training file and cuts the test file into Parquet shards.</summary>
    private static (string Model, string Input) Prepare(string dataDir, string work, ILookup<string, string> args)
    {
        int trainRows = args.Int("train-rows") ?? 2000, testRows = args.Int("rows") ?? 10_000, shards = args.Int("shards") ?? 24;
        List<LabeledText> train = TsvClassificationData.Load(Path.Combine(dataDir, TsvClassificationData.TrainFile), trainRows);
        List<LabeledText> test = TsvClassificationData.Load(Path.Combine(dataDir, TsvClassificationData.TestFile), testRows);
        var ml = new MLContext(seed: 1);
        ClassLabels labels = ClassLabels.Detect(train.Select(r => r.Label));
        var task = TextClassificationTask.Create(ml, labels, train, test.Take(1).ToList());
        var options = new TransformerClassifierOptions
        {
            Shape = { ModelDimension = 64, Heads = 4, Layers = 2 }, Epochs = args.Int("epochs") ?? 1, BatchSize = 32, Seed = 1, MixedPrecision = false,
        };
        Console.WriteLine($"Training a small classifier (d_model 64, 2 layers, {options.Epochs} epoch) on {train.Count:N0} rows of {dataDir}...");
        ITransformer model = task.Transformer(new TokenizerOptions { MaxLength = args.Int("max-length") ?? 128 }, options).Fit(task.Train);
        string modelPath = Path.Combine(work, "model.zip");
        ml.Model.SaveAtomically(model, task.Train.Schema, modelPath);
        (model as IDisposable)?.Dispose();

        string input = Path.Combine(work, "shards");
        Directory.CreateDirectory(input);
        int perShard = (test.Count + shards - 1) / shards;
        for (int s = 0; s * perShard < test.Count; s++)
        {
            var slice = test.Skip(s * perShard).Take(perShard).ToList();
            var table = new ShardTable([
                new ShardColumn("id", Enumerable.Range(s * perShard, slice.Count).Select(i => (long)i).ToArray()),
                new ShardColumn("text", slice.Select(r => r.Text).ToArray()),
                new ShardColumn("label", slice.Select(r => r.Label).ToArray()),
            ]);
            ShardFiles.WriteAtomicallyAsync(table, Path.Combine(input, $"part-{s:D4}.parquet")).GetAwaiter().GetResult();
        }
        Console.WriteLine($"Cut {test.Count:N0} test rows into {Directory.GetFiles(input).Length} Parquet shards.");
        return (modelPath, input);
    }

    private static string Required(ILookup<string, string> args, string name)
        => args.Value(name) ?? throw new ArgumentException($"score-cluster needs --{name} (or --data <folder with train.tsv.gz, test.tsv.gz>).");

    /// <summary>The silo host built beside this sample (src/Microsoft.ML.Transformer.Orleans.Silo, same configuration).</summary>
    private static string SiloHostPath()
    {
        var outDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));   // src/Samples/bin/<Configuration>/<tfm>
        string tfm = outDir.Name, configuration = outDir.Parent!.Name;
        return Path.GetFullPath(Path.Combine(outDir.FullName, "..", "..", "..", "..", "Microsoft.ML.Transformer.Orleans.Silo", "bin", configuration, tfm,
            "Microsoft.ML.Transformer.Orleans.Silo.dll"));
    }

    private sealed class Progress(Action<ScoringJobProgress> report) : IProgress<ScoringJobProgress>
    {
        public void Report(ScoringJobProgress value) => report(value);
    }
}
