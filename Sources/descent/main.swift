import DescentCommandLine

DescentTool.exit(DescentTool.main(Array(CommandLine.arguments.dropFirst())))
