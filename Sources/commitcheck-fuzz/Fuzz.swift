import CommitCheck
import Foundation

// A libFuzzer target: bytes go through the lexer, parser and compiler and, when they compile,
// a bounded exploration, the property checks and both report writers. Any crash, hang or
// runaway allocation is a finding; diagnostics are the expected outcome for most inputs.
//
// Build and run (`FUZZING` swaps the replay driver's `@main` below for an entry point that runs
// libFuzzer's driver; new inputs go to the first directory, so point it at a scratch one):
//   swift build -c release --scratch-path .build-fuzz --product commitcheck-fuzz \
//     -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library -Xswiftc -DFUZZING
//   .build-fuzz/release/commitcheck-fuzz -max_total_time=60 -timeout=10 \
//     -dict=Tests/CommitCheckTests/Resources/fuzz.dict SCRATCH_DIR Tests/CommitCheckTests/Resources/fuzz-corpus
// A finding is written as crash-*, oom-* or timeout-* (see -artifact_prefix); replay one with a
// plain build: `swift run commitcheck-fuzz FILE`. Each becomes a file in the corpus and a row of
// HostileInputTests.

/// The states one input may explore: enough to reach every kind of verdict on small models,
/// few enough that an execution takes milliseconds.
let stateBound = 10_000

/// Runs one input through the whole pipeline.
func fuzzOne(_ bytes: UnsafeBufferPointer<UInt8>) {
  // Invalid UTF-8 is refused by `readModel` before the lexer sees it; decoding it with
  // replacement characters still gives the lexer odd scalars to chew on.
  let source = String(decoding: bytes, as: UTF8.self)
  guard let model = try? compileModel(source: source, file: "fuzz.commit") else { return }
  var options = ExplorerOptions()
  options.maxStates = stateBound
  options.keepEdges = false
  let report = check(model, options: options)
  _ = ReportWriter.text(report)
  _ = ReportWriter.json(report)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  fuzzOne(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
  return 0
}

#if FUZZING
/// libFuzzer's driver, which parses its options and runs the inputs.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
  _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
  _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// The entry point. SwiftPM links executables with `main` aliased to `<module>_main` (so tests
/// can load them) and `-parse-as-library` emits no such symbol, so it is defined here and hands
/// over to libFuzzer's driver, as libFuzzer's own `main` would.
@_cdecl("commitcheck_fuzz_main")
func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return runFuzzerDriver(&count, &arguments) { data, size in fuzzerTestOneInput(data, size) }
}
#else
/// Without libFuzzer, replays inputs: `commitcheck-fuzz FILE...` runs each file through the same
/// harness, which is how a crash the fuzzer found is reproduced under a debugger. (libFuzzer
/// brings its own `main`, so the fuzzing build leaves this out.)
@main
enum Replay {
  static func main() {
    for path in CommandLine.arguments.dropFirst() {
      guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("commitcheck-fuzz: cannot read '\(path)'\n".utf8))
        exit(2)
      }
      data.withUnsafeBytes { fuzzOne($0.bindMemory(to: UInt8.self)) }
      print("\(path): ok")
    }
  }
}
#endif
