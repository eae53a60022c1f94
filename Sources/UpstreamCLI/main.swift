// The `upstream` executable: hands its arguments to the library and exits with its code.
import Foundation
import UpstreamCommandLine

Console.reserveStandardDescriptors()
exit(UpstreamCommandLine.run(Array(CommandLine.arguments.dropFirst()), console: .standard).rawValue)
