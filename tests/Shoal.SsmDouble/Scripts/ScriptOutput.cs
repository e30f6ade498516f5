namespace Shoal.SsmDouble.Scripts;

/// <summary>Text a script writes to stdout, and how far into its run it writes it.</summary>
internal readonly record struct ScriptOutput(TimeSpan At, string Text);
