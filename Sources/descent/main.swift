import DescentCommandLine
import Foundation

exit(DescentTool.main(Array(CommandLine.arguments.dropFirst())).rawValue)
