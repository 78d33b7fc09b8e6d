// Runs after the files are written (the archetype plugin has no earlier hook): rejects a package or artifactId
// that cannot work, and restores what an archetype cannot carry (file modes, dot-files).

def project = new File(request.outputDirectory, request.artifactId)

def javaKeywords = ('abstract assert boolean break byte case catch char class const continue default do double else '
        + 'enum extends final finally float for goto if implements import instanceof int interface long native new '
        + 'package private protected public return short static strictfp super switch synchronized this throw throws '
        + 'transient try void volatile while true false null _').split(' ') as Set

def problem = null
def pkg = request.getPackage()
def badSegment = pkg.split('\\.', -1).find { !(it ==~ /[A-Za-z_][A-Za-z0-9_]*/) || javaKeywords.contains(it) }
if (badSegment != null) {
    problem = "package '" + pkg + "' is not a valid Java package name: '" + badSegment + "' is not a Java identifier" +
            " (letters, digits and _, not starting with a digit, not a keyword); try e.g. -Dpackage=com.example.app"
} else if (!(request.artifactId ==~ /[A-Za-z0-9][A-Za-z0-9._-]*/)) {
    problem = "artifactId '" + request.artifactId + "' names the jar, the systemd unit and /opt/<artifactId>: use " +
            "letters, digits, '.', '_' and '-', e.g. -DartifactId=my-app"
}

if (problem != null) {
    // Remove what was just generated, unless the directory holds anything else (it may have existed before).
    def generated = ['pom.xml', 'README.md', 'gitignore', 'mvnw', 'mvnw.cmd', '.mvn', 'src', 'deploy'] as Set
    if (project.list()?.every { generated.contains(it) }) {
        project.deleteDir()
    }
    throw new IllegalArgumentException(problem)
}

// Zip entries lose the executable bit; `sh mvnw` works regardless.
new File(project, 'mvnw').setExecutable(true, false)
new File(project, 'deploy/deploy.sh').setExecutable(true, false)
new File(project, 'deploy/baton').setExecutable(true, false)
new File(project, 'deploy/rolling.sh').setExecutable(true, false)
// Maven's resource copying leaves .gitignore out of the archetype jar, so it travels as gitignore.
new File(project, 'gitignore').renameTo(new File(project, '.gitignore'))
