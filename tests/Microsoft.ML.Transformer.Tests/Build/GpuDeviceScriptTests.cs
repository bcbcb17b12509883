using System.Text.Json;

namespace Microsoft.ML.Transformer.Tests.Build;

/// <summary>
/// bench/gpu/run-on-device.sh, the one command the GPU machine runs, rehearsed on a fake bundle: its argument handling,
/// the unpacking, where it puts the native bridge, what it passes the check program and how it summarizes. The fake app
/// is a shell script that records its arguments and environment and writes the JSON document the real one would.
/// </summary>
public class GpuDeviceScriptTests
{
    private static string Script => Path.Combine(TestPaths.RepoRoot, "bench", "gpu", "run-on-device.sh");

    [Fact]
    public void HelpAndBadArgumentsAnswerWithoutRunning()
    {
        SkipUnlessShellTools();
        var (helpCode, help) = Bash(["--help"]);
        Assert.Equal(0, helpCode);
        Assert.Contains("--libtorchsharp", help);

        var (badCode, bad) = Bash(["--no-such-option", "--out", TestPaths.NewTempDirectory()]);
        Assert.Equal(2, badCode);
        Assert.Contains("unknown option '--no-such-option'", bad);

        var (noOutCode, noOut) = Bash(["--dry-run"], new Dictionary<string, string> { ["OUT"] = "" });
        Assert.Equal(2, noOutCode);
        Assert.Contains("no output folder", noOut);
    }

    [Fact]
    public void MissingBundleSaysHowToMakeIt()
    {
        SkipUnlessShellTools();
        var (code, output) = Bash(["--dry-run", "--bundle", TestPaths.NewTempDirectory(), "--out", TestPaths.NewTempDirectory()]);
        Assert.Equal(2, code);
        Assert.Contains("make-bundle.sh", output);
    }

    [Fact]
    public void CpuRehearsalUnpacksPlacesTheBridgeAndRunsTheCheck()
    {
        SkipUnlessShellTools();
        string root = TestPaths.NewTempDirectory(), bundle = FakeBundle(root, checkPasses: true), output = Path.Combine(root, "out");
        string bridge = Path.Combine(root, "libLibTorchSharp.so"), libtorch = Path.Combine(root, "libtorch");
        File.WriteAllText(bridge, "not really a library");
        Directory.CreateDirectory(libtorch);

        var (code, console) = Bash(["--cpu", "--bundle", bundle, "--out", output, "--libtorchsharp", bridge, "--libtorch", libtorch,
            "--skip-pytorch", "--", "--quick", "--phases", "smoke"]);

        Assert.True(code == 0, console);
        string[] call = File.ReadAllLines(Path.Combine(output, "fake-app.txt"));
        Assert.Equal($"args: gpu-check --device cpu --json {Path.Combine(output, "gpu-check.json")} --quick --phases smoke", call[0]);
        Assert.StartsWith($"LD_LIBRARY_PATH: {libtorch}:", call[1] + ":");
        Assert.Equal("bridge: not really a library", call[2]);
        var (ok, steps) = Summary(output);
        Assert.True(ok);
        Assert.Equal("ok", steps["unpack-app"]);
        Assert.Equal("skipped", steps["build-libtorchsharp"]);
        Assert.Equal("ok", steps["gpu-check"]);
        // what comes back from the device is at most 8 files: these, and the small ones packed
        Assert.Equal(["details.tar.gz", "fake-app.txt", "gpu-check.json", "gpu-check.log", "run.log", "summary.json"],
            Directory.GetFiles(output).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void FailedCheckFailsTheRunAndTheSummary()
    {
        SkipUnlessShellTools();
        string root = TestPaths.NewTempDirectory(), bundle = FakeBundle(root, checkPasses: false), output = Path.Combine(root, "out");
        string bridge = Path.Combine(root, "libLibTorchSharp.so");
        File.WriteAllText(bridge, "x");

        var (code, console) = Bash(["--cpu", "--bundle", bundle, "--out", output, "--libtorchsharp", bridge, "--skip-pytorch"]);

        Assert.True(code == 1, console);
        var (ok, steps) = Summary(output);
        Assert.False(ok);
        Assert.Equal("failed(1)", steps["gpu-check"]);
        Assert.Contains("--quick", File.ReadAllLines(Path.Combine(output, "fake-app.txt"))[0]);   // --cpu's default
    }

    [Fact]
    public void DryRunUnpacksButBuildsAndRunsNothing()
    {
        SkipUnlessShellTools();
        string root = TestPaths.NewTempDirectory(), bundle = FakeBundle(root, checkPasses: true), output = Path.Combine(root, "out");

        var (code, console) = Bash(["--dry-run", "--bundle", bundle, "--out", output]);

        Assert.True(code == 0, console);
        Assert.False(File.Exists(Path.Combine(output, "fake-app.txt")));
        var (ok, steps) = Summary(output);
        Assert.True(ok);
        Assert.Equal("ok", steps["unpack-native"]);
        Assert.Equal("skipped", steps["gpu-check"]);
        Assert.Contains("gpu-check --device cuda", File.ReadAllText(Path.Combine(output, "run.log")));
    }

    [Fact]
    public void SummaryJudgesTheIssueTargetsOnCuda()
    {
        SkipUnlessShellTools();
        string output = TestPaths.NewTempDirectory();
        const string shape = "\"vocab\":16000,\"d_model\":128,\"heads\":4,\"layers\":2,\"seq\":256,\"batch\":32";
        File.WriteAllText(Path.Combine(output, "gpu-check.json"), "{\"ok\":true,\"failures\":[],\"phases\":{\"training\":{\"settings\":{" + shape +
            ",\"d_ff\":512},\"paths\":{\"trainer-bf16\":{\"tokens_per_s\":1000},\"raw-bf16\":{\"tokens_per_s\":1100}},\"ratios\":{\"trainer_over_raw_bf16\":0.91}}," +
            "\"scoring\":{\"ratios\":{\"transform_over_engine\":12.0}}}}");
        File.WriteAllText(Path.Combine(output, "pytorch.log"), "a warning line\n{\"pytorch_cuda_ref\":{\"settings\":{" + shape.Replace("\"seq\"", "\"seq_len\"") +
            ",\"ff\":512},\"paths\":{\"twin-bf16\":{\"tokens_per_s\":800}}}}\n");
        File.WriteAllText(Path.Combine(output, "steps.tsv"), "gpu-check\tok\t90\npytorch-reference\tok\t30\n");

        var (code, console) = ProcessRunner.Run("python3", [Path.Combine(TestPaths.RepoRoot, "bench", "gpu", "summarize.py"), output, "--mode", "cuda"]);

        Assert.True(code == 1, console);   // trainer / raw 0.91 < 0.95
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var targets = summary.RootElement.GetProperty("targets").EnumerateArray().ToDictionary(t => t.GetProperty("name").GetString()!, t => t);
        Assert.False(targets["trainer_over_raw_bf16"].GetProperty("met").GetBoolean());
        Assert.Equal(1.25, targets["trainer_bf16_over_pytorch_autocast"].GetProperty("value").GetDouble());
        Assert.True(targets["trainer_bf16_over_pytorch_autocast"].GetProperty("met").GetBoolean());
        Assert.Equal(JsonValueKind.Null, targets["raw_bf16_over_pytorch_autocast"].GetProperty("met").ValueKind);
        Assert.True(targets["transform_over_engine"].GetProperty("met").GetBoolean());
        Assert.False(summary.RootElement.GetProperty("ok").GetBoolean());
    }

    /// <summary>A bundle as make-bundle.sh lays it out, whose app is a script that records how it was called.</summary>
    private static string FakeBundle(string root, bool checkPasses)
    {
        string bundle = Path.Combine(root, "bundle"), staging = Path.Combine(root, "staging");
        Directory.CreateDirectory(Path.Combine(staging, "app"));
        Directory.CreateDirectory(Path.Combine(staging, "src", "Native"));
        Directory.CreateDirectory(Path.Combine(bundle, "reference"));
        string app = Path.Combine(staging, "app", "Microsoft.ML.Transformer.Benchmarks");
        string document = $"{{\"benchmark\":\"gpu-check\",\"ok\":{(checkPasses ? "true" : "false")},\"failures\":[],\"phases\":{{}}}}";
        File.WriteAllText(app, $$"""
            #!/usr/bin/env bash
            json=""; prev=""
            for a in "$@"; do [ "$prev" = --json ] && json=$a; prev=$a; done
            out=$(dirname "$json")
            { echo "args: $*"; echo "LD_LIBRARY_PATH: $LD_LIBRARY_PATH"; echo "bridge: $(cat "$(dirname "$0")/libLibTorchSharp.so")"; } > "$out/fake-app.txt"
            echo '{{document}}' > "$json"
            exit {{(checkPasses ? 0 : 1)}}
            """.Replace("\r\n", "\n"));
        File.WriteAllText(Path.Combine(staging, "src", "Native", "CMakeLists.txt"), "# fake");
        File.WriteAllText(Path.Combine(bundle, "reference", "pytorch_ref.py"), "# fake");
        File.WriteAllText(Path.Combine(bundle, "manifest.json"), "{}");
        Run("bash", ["-c", $"chmod +x '{app}' && tar -C '{staging}' -cJf '{bundle}/app.tar.xz' app && tar -C '{staging}' -cJf '{bundle}/torchsharp-native.tar.xz' src"]);
        return bundle;
    }

    /// <summary>summary.json's verdict and each step's status.</summary>
    private static (bool Ok, Dictionary<string, string> Steps) Summary(string output)
    {
        using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "summary.json")));
        var steps = summary.RootElement.GetProperty("steps").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("status").GetString()!);
        return (summary.RootElement.GetProperty("ok").GetBoolean(), steps);
    }

    private static (int Code, string Output) Bash(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
        => ProcessRunner.Run("bash", [Script, .. arguments], timeoutSeconds: 120, environment: environment);

    private static void Run(string program, IEnumerable<string> arguments)
    {
        var (code, output) = ProcessRunner.Run(program, arguments);
        Assert.True(code == 0, output);
    }

    private static void SkipUnlessShellTools()
    {
        if (!OperatingSystem.IsLinux()) Assert.Skip("bench/gpu/run-on-device.sh is a Linux script.");
        foreach (string tool in (string[])["bash", "tar", "xz", "python3"])
            if (ProcessRunner.Run("bash", ["-c", $"command -v {tool}"]).ExitCode != 0) Assert.Skip($"{tool} is not installed.");
    }
}
