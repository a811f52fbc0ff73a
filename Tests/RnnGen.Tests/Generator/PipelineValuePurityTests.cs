using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using RnnGen.Generator;
using RnnGen.Generator.Model;
using RnnGen.Generator.Planning;
using Xunit;

namespace RnnGen.Tests.Generator;

/// <summary>
/// The values the pipeline caches (specs and plans) hold no Roslyn object. One would keep a whole
/// compilation alive and, since such objects compare by reference, defeat the cache.
/// </summary>
public sealed class PipelineValuePurityTests
{
    private static readonly Type[] RoslynTypes =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxToken), typeof(SyntaxTree), typeof(SyntaxReference),
        typeof(Location), typeof(Compilation), typeof(SemanticModel), typeof(AttributeData), typeof(TypedConstant),
        typeof(IOperation), typeof(Diagnostic),
    };

    [Fact]
    public void Specs_and_plans_hold_no_Roslyn_objects()
    {
        var sources = SnapshotModels.All.Select(m => m.Source).ToArray();
        var run = GeneratorHarness.Run(sources);
        var values = run.StepOutputs(RnnModelGenerator.Steps.Parse).Concat(run.StepOutputs(RnnModelGenerator.Steps.Plan)).Select(o => o.Value).ToList();
        Assert.Equal(2 * sources.Length, values.Count);

        var walk = ObjectGraph.Walk(values);

        Assert.True(walk.Offending.Count == 0, "Roslyn objects in the pipeline's values:\n" + string.Join("\n", walk.Offending));
        // The walk must have reached the leaves, or finding nothing proves nothing.
        Assert.Contains(typeof(LayerSpec), walk.VisitedTypes);
        Assert.Contains(typeof(TensorPlan), walk.VisitedTypes);
        Assert.Contains(typeof(ContainingTypeSpec), walk.VisitedTypes);
    }

    [Fact]
    public void The_walk_finds_a_Roslyn_object_deep_inside_an_equatable_array()
    {
        var location = Location.Create("x.cs", default, default);
        var holder = new Outer(new EquatableArray<Inner>(new[] { new Inner("a", null), new Inner("b", location) }));

        var walk = ObjectGraph.Walk(new object[] { holder });

        var found = Assert.Single(walk.Offending);
        Assert.Contains("Location", found, StringComparison.Ordinal);
    }

    private sealed record Inner(string Name, object? Payload);

    private sealed record Outer(EquatableArray<Inner> Items);

    /// <summary>Walks public and private properties and fields, and the items of every sequence.</summary>
    private sealed class ObjectGraph
    {
        private readonly HashSet<object> _seen = new(ReferenceEqualityComparer.Instance);

        public List<string> Offending { get; } = new();

        public HashSet<Type> VisitedTypes { get; } = new();

        public static ObjectGraph Walk(IEnumerable<object> roots)
        {
            var graph = new ObjectGraph();
            int i = 0;
            foreach (var root in roots)
            {
                graph.Visit(root, $"value[{i++}]");
            }

            return graph;
        }

        private void Visit(object? value, string path)
        {
            if (value is null)
            {
                return;
            }

            var type = value.GetType();
            // A record's EqualityContract is its Type: a leaf, not something to walk into.
            if (type.IsPrimitive || type.IsEnum || value is string or decimal or Type)
            {
                return;
            }

            // Reached through a property and its backing field alike: look at each object once.
            if (!type.IsValueType && !_seen.Add(value))
            {
                return;
            }

            if (RoslynTypes.Any(t => t.IsAssignableFrom(type)))
            {
                Offending.Add($"{path}: {type.FullName}");
                return;
            }

            VisitedTypes.Add(type);
            if (value is IEnumerable items)
            {
                int index = 0;
                foreach (var item in items)
                {
                    Visit(item, $"{path}[{index++}]");
                }
            }

            for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            {
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (RoslynTypes.Any(r => r.IsAssignableFrom(field.FieldType)))
                    {
                        Offending.Add($"{path}.{field.Name}: declared as {field.FieldType.FullName}");
                        continue;
                    }

                    Visit(field.GetValue(value), $"{path}.{field.Name}");
                }
            }

            foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                if (property.GetIndexParameters().Length > 0 || property.GetMethod is null)
                {
                    continue;
                }

                if (RoslynTypes.Any(r => r.IsAssignableFrom(property.PropertyType)))
                {
                    Offending.Add($"{path}.{property.Name}: declared as {property.PropertyType.FullName}");
                    continue;
                }

                Visit(property.GetValue(value), $"{path}.{property.Name}");
            }
        }
    }
}
