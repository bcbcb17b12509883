// TestEstimatorCore-style checks use ML.NET internals (SchemaShape.Create), as ML.NET's own tests do. The attribute
// type is the library's (visible through InternalsVisibleTo); the compiler sees publicized ML.NET references.
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: System.Runtime.CompilerServices.IgnoresAccessChecksTo("Microsoft.ML.Data")]
