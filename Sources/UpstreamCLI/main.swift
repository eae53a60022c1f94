// The `upstream` executable: hands its arguments to the library and exits with its code.
import Foundation
import Upstream

Console.reserveStandardDescriptors()
exit(UpstreamCommandLine.run(Array(CommandLine.arguments.dropFirst()), console: .standard).rawValue)
